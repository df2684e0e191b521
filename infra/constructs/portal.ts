// The portal's AWS side (docs/api.md): who may sign in (a Cognito user pool, one
// group per department plus the office), the HTTP API that answers under /api/
// (a JWT authorizer in front of the api function), and the static portal in a
// private bucket behind CloudFront, which also routes /api/* to the HTTP API so
// the browser talks to one origin. The function's grants are set by the stack,
// next to every other function's, through the PipelineFunction bind* methods.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { OFFICE_GROUP, departmentGroup } from '../../functions/core/api/types';
import { acknowledge, nagLogicalId, stackSingleton } from '../nag';
import { SecureBucket } from './data-store';
import { assertDepartmentCode, type UploadingDepartment } from './department-uploads';
import { PipelineFunction, REPO_ROOT } from './pipeline-function';

/** Where `npm run build` (scripts/build-portal.mjs) writes the portal's static files. */
export const DEFAULT_PORTAL_ASSETS = join(REPO_ROOT, 'dist', 'portal');

/** The path prefix of the API, on CloudFront and on the HTTP API alike (docs/api.md). */
export const API_PATH = '/api';

/**
 * Stage throttling. A few dozen people (a handful of clerks per department and the
 * office) use the portal; one page load is a few calls and an upload polls its state
 * every few seconds, so 20 requests a second with bursts of 50 is several times the
 * busiest quarter-end morning, and caps what a stolen token or a runaway script can cost.
 */
export const API_THROTTLE = { rateLimit: 20, burstLimit: 50 } as const;

/** ID (and access) tokens live one hour; the portal refreshes them with the refresh token. */
export const ID_TOKEN_VALIDITY = Duration.hours(1);
/** One working day: a clerk signs in again the next morning, and a lost laptop's session ends the same day. */
export const REFRESH_TOKEN_VALIDITY = Duration.hours(12);

/** The password policy (cdk-nag COG1 asks for 8+ with classes; people here pick their own, so 12). */
export const PASSWORD_POLICY = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  tempPasswordValidity: Duration.days(3),
} as const;

/** The custom domain of the portal, with its ACM certificate (which CloudFront needs in us-east-1). */
export interface PortalDomain {
  /** e.g. qtrack.example.gov.cn; the operator points a CNAME at the distribution. */
  readonly domainName: string;
  /** ARN of an ACM certificate for domainName, in us-east-1. */
  readonly certificateArn: string;
}

export interface PortalProps {
  /** The submissions bucket: the browser POSTs uploads to it (CSP and CORS name it). */
  readonly uploads: IBucket;
  /** Receives the portal bucket's and the CloudFront log bucket's server access logs. */
  readonly accessLogs: IBucket;
  /** One Cognito group per department (dept-{code}). */
  readonly departments: readonly UploadingDepartment[];
  /** The built static files (must hold index.html). @default DEFAULT_PORTAL_ASSETS (dist/portal) */
  readonly assetsDir?: string;
  /** Serve the portal on its own domain, with TLS 1.2 or later. @default - the distribution's *.cloudfront.net name */
  readonly domain?: PortalDomain;
  /** ISO 3166-1 alpha-2 codes of the only countries CloudFront serves. @default - no geo restriction */
  readonly allowedCountries?: readonly string[];
}

export class Portal extends Construct {
  /** The API function (functions/handlers/api.ts); the stack binds what it may touch. */
  public readonly api: PipelineFunction;
  public readonly userPool: UserPool;
  /** The portal's app client: public (no secret), USER_PASSWORD_AUTH and refresh. */
  public readonly client: UserPoolClient;
  /** The groups by name: `office` and `dept-{code}` for each department. */
  public readonly groups: ReadonlyMap<string, UserPoolGroup>;
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly authorizer: IHttpRouteAuthorizer;
  /** The issuer the JWT authorizer accepts: the user pool's. */
  public readonly issuer: string;
  /** The static files: private, read by CloudFront only (origin access control). */
  public readonly bucket: SecureBucket;
  /** CloudFront's standard logs (the one bucket with ACLs enabled: CloudFront's log delivery needs them). */
  public readonly cdnLogs: SecureBucket;
  public readonly headers: ResponseHeadersPolicy;
  public readonly distribution: Distribution;
  /** The origin the browser loads the portal from: https://{domain}, without a trailing slash. */
  public readonly origin: string;
  /** The portal's address: `${origin}/`. */
  public readonly url: string;
  /** The HTTP API's own endpoint of /api (the portal itself uses the same path on its origin). */
  public readonly apiUrl: string;
  /** The Content-Security-Policy header value (with tokens for region and bucket). */
  public readonly contentSecurityPolicy: string;
  /** Sets the submissions bucket's CORS rule (POST from `origin`) at deploy time; see below. */
  public readonly uploadCors: AwsCustomResource;

  constructor(scope: Construct, id: string, props: PortalProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const assetsDir = props.assetsDir ?? DEFAULT_PORTAL_ASSETS;
    requirePortalAssets(assetsDir);
    if (props.domain && (!props.domain.domainName || !props.domain.certificateArn)) {
      throw new Error('the portal domain needs both a domain name and the ARN of its ACM certificate (us-east-1)');
    }
    for (const c of props.allowedCountries ?? []) {
      if (!/^[A-Z]{2}$/.test(c)) throw new Error(`allowedCountries: "${c}" is not an ISO 3166-1 alpha-2 code such as CN`);
    }

    // ---- The API function. Its grants and configuration are the stack's.
    this.api = new PipelineFunction(this, 'Api', {
      handlerName: 'api',
      description: 'qtrack: the portal API (docs/api.md) behind the JWT authorizer',
      memorySize: 512,
      // API Gateway gives up on an integration after 30 s anyway.
      timeout: Duration.seconds(30),
      // the presigner and the S3 client's endpoint rules the POST signer reads, at
      // the versions the tests ran (the runtime's own SDK need not have the presigner)
      bundleAwsSdk: true,
    });

    // ---- The CDN and its logs come first: the user pool's invitation links the portal.
    this.cdnLogs = new SecureBucket(this, 'CdnLogs', {
      accessLogs: props.accessLogs,
      accessLogsPrefix: 'portal-cdn-logs/',
      // the same span as the S3 server access logs (DataStore)
      expireAfterDays: 365,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    this.bucket = new SecureBucket(this, 'Files', { accessLogs: props.accessLogs, accessLogsPrefix: 'portal/' });
    // Every deploy replaces the files; earlier versions are only kept for a rollback by hand.
    this.bucket.addLifecycleRule({ id: 'expire-replaced-files', noncurrentVersionExpiration: Duration.days(30) });

    const region = stack.region;
    const urlSuffix = stack.urlSuffix;
    const cognitoEndpoint = `https://cognito-idp.${region}.${urlSuffix}`;
    // The form the API signs (functions/adapters/s3/post-policy.ts) goes to the
    // bucket's virtual-hosted regional endpoint, the bucket's regional domain name.
    const uploadEndpoint = `https://${props.uploads.bucketRegionalDomainName}`;
    this.contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      // the API is same-origin (/api/*); sign-in talks to Cognito; uploads go to the bucket
      `connect-src 'self' ${cognitoEndpoint} ${uploadEndpoint}`,
      `form-action 'self' ${uploadEndpoint}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; ');
    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'qtrack portal: strict security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        // "0": the legacy XSS auditor is itself exploitable; the CSP does this job
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    // ---- The HTTP API (its stage is needed for the /api/* origin).
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', {
      // who called what and when (the caller's sub): kept a year, like the S3 access logs
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'qtrack portal API (docs/api.md)',
      // the stage is made below, with throttling and access logs
      createDefaultStage: false,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...API_THROTTLE },
      accessLogSettings: {
        destination: new LogGroupLogDestination(apiLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            bytes: '$context.responseLength',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const apiHost = `${this.httpApi.apiId}.execute-api.${region}.${urlSuffix}`;
    this.apiUrl = `https://${apiHost}${API_PATH}`;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'qtrack portal',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America, Europe and Asia (Hong Kong, Singapore, Japan, Korea: the
      // edges nearest to Shanghai); South America and Oceania add cost, not users.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.cdnLogs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: SSLMethod.SNI,
          }
        : {}),
      ...(props.allowedCountries?.length ? { geoRestriction: GeoRestriction.allowlist(...props.allowedCountries) } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: {
        [`${API_PATH}/*`]: {
          origin: new HttpOrigin(apiHost, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          // no redirect for an API call: a POST would not survive it
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // With caching disabled, only the AllViewer policies forward the
          // Authorization header (no policy may name it); API Gateway needs its own
          // Host, so every viewer header, cookie and query string but Host.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
    });
    this.origin = props.domain ? `https://${props.domain.domainName}` : `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;

    // ---- Who may sign in: people the office creates, nobody else.
    this.userPool = new UserPool(this, 'Users', {
      userPoolName: 'qtrack-portal',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // an address change takes effect only once the new address is verified
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: { ...PASSWORD_POLICY },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // TOTP for whoever enrols; no SMS (cost, and SIM-swap exposure)
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.ESSENTIALS,
      userInvitation: {
        emailSubject: 'qtrack 质量数据门户账号 / your qtrack portal account',
        emailBody: [
          '您好：',
          `质量办已为您开通 qtrack 门户账号。请访问 ${this.url} ，以用户名 {username} 和临时密码 {####} 登录，并按提示设置新密码。临时密码 3 天内有效。`,
          '',
          `The quality office has opened a qtrack portal account for you. Sign in at ${this.url} with the user name {username} and the temporary password {####}, then choose a new password. The temporary password is valid for 3 days.`,
        ].join('<br>'),
      },
      // it holds the people: never deleted by a deploy or by accident
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('PortalClient', {
      userPoolClientName: 'qtrack-portal',
      // a browser cannot keep a secret
      generateSecret: false,
      authFlows: { userPassword: true },
      // no hosted UI, no OAuth redirects: the portal signs in with InitiateAuth
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: ID_TOKEN_VALIDITY,
      accessTokenValidity: ID_TOKEN_VALIDITY,
      refreshTokenValidity: REFRESH_TOKEN_VALIDITY,
    });
    const groups = new Map<string, UserPoolGroup>();
    const addGroup = (name: string, description: string, precedence?: number) => {
      if (groups.has(name)) throw new Error(`user pool group "${name}" is listed twice`);
      groups.set(name, new UserPoolGroup(this, `Group-${name}`, { userPool: this.userPool, groupName: name, description, precedence }));
    };
    addGroup(OFFICE_GROUP, '质量办 / quality office: reads everything, uploads nothing', 0);
    for (const d of props.departments) {
      assertDepartmentCode(d.code);
      addGroup(departmentGroup(d.code), `${d.name} (${d.code}) 填报人 / clerks: read and upload for ${d.code} only`);
    }
    this.groups = groups;

    this.issuer = `${cognitoEndpoint}/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('Cognito', this.issuer, {
      authorizerName: 'cognito-id-token',
      // ID tokens carry the app client id as aud (access tokens do not)
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.httpApi.addRoutes({
      path: `${API_PATH}/{proxy+}`,
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('Api', this.api),
      authorizer: this.authorizer,
    });

    // ---- The static files, with the config the portal reads at start-up.
    const deployLogs = new LogGroup(this, 'FilesDeploymentLogs', { retention: RetentionDays.ONE_MONTH });
    const deployRole = new Role(this, 'FilesDeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'qtrack: copies the portal files into their bucket and invalidates the CDN',
    });
    deployLogs.grantWrite(deployRole);
    new BucketDeployment(this, 'FilesDeployment', {
      sources: [
        Source.asset(assetsDir),
        // last, so it replaces any config.json of a local build
        Source.jsonData('config.json', {
          // the endpoint as the CSP names it (the partition's suffix: amazonaws.com.cn in China)
          auth: { kind: 'cognito', region, endpoint: cognitoEndpoint, userPoolId: this.userPool.userPoolId, clientId: this.client.userPoolClientId },
          api: API_PATH,
        }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // A few small files and few users: browsers revalidate on every load (cheap
      // 304s), so index.html and config.json are never stale after a deploy, and one
      // setting for every file keeps this one sync.
      cacheControl: [CacheControl.noCache()],
      role: deployRole,
      logGroup: deployLogs,
    });

    // ---- The browser may POST uploads to the submissions bucket from the portal's origin.
    // Applied at deploy time rather than as the bucket's CorsConfiguration: the CSP
    // above names the bucket and the distribution carries the CSP, so a CORS rule
    // naming the distribution in the bucket's own template would be a dependency
    // cycle (bucket → distribution → headers policy → bucket). CDK's own S3
    // notifications break the same kind of cycle the same way.
    const corsLogs = new LogGroup(this, 'UploadCorsLogs', { retention: RetentionDays.ONE_MONTH });
    const corsRole = new Role(this, 'UploadCorsRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'qtrack: sets the CORS rule of the submissions bucket for portal uploads',
    });
    corsLogs.grantWrite(corsRole);
    const bucketName = props.uploads.bucketName;
    const putCors = {
      service: 'S3',
      action: 'PutBucketCors',
      parameters: {
        Bucket: bucketName,
        CORSConfiguration: {
          CORSRules: [
            {
              ID: 'portal-uploads',
              // with its own domain the distribution still answers on *.cloudfront.net too: uploads from either page work
              AllowedOrigins: props.domain ? [this.origin, `https://${this.distribution.distributionDomainName}`] : [this.origin],
              AllowedMethods: ['POST'],
              AllowedHeaders: ['content-type'],
              MaxAgeSeconds: 3600,
            },
          ],
        },
      },
      // Constant, so an update never "replaces" the resource: a replaced resource's
      // delete would run after the new put and remove the rule just set.
      physicalResourceId: PhysicalResourceId.of(`${bucketName}-portal-cors`),
    };
    this.uploadCors = new AwsCustomResource(this, 'UploadCors', {
      resourceType: 'Custom::PortalUploadCors',
      onCreate: putCors,
      onUpdate: putCors,
      onDelete: { service: 'S3', action: 'DeleteBucketCors', parameters: { Bucket: bucketName } },
      // DeleteBucketCors is authorised by s3:PutBucketCORS too
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutBucketCORS'], resources: [props.uploads.bucketArn] }),
      ]),
      role: corsRole,
      logGroup: corsLogs,
      installLatestAwsSdk: false,
    });

    this.acknowledgeFindings(props, deployRole);
  }

  private acknowledgeFindings(props: PortalProps, deployRole: Role): void {
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (TOTP only, no SMS) rather than required: the portal sign-in (USER_PASSWORD_AUTH) does not yet handle TOTP enrolment or its challenge, and the clerks are a few named staff per department on office PCs, not all with an approved authenticator. Accounts exist only when the office creates them (no self sign-up), passwords are 12+ characters of four classes, tokens last an hour, recovery is by e-mail only. Make MFA required once the portal supports it.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG8',
      'Essentials, not Plus: Plus (threat protection, adaptive authentication) is billed per monthly active user and judges risk best from device data the portal would have to collect with an AWS script that the CSP keeps out (script-src self). The pool has a few dozen accounts the office creates itself; Cognito still locks out repeated failed sign-ins. Move to Plus if accounts are attacked.',
    );
    if (!props.domain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution can only use the *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1 (browsers negotiate TLS 1.2/1.3 anyway, and HSTS keeps them on HTTPS). Set qtrack:portalDomain and qtrack:portalCertificateArn (ACM, us-east-1) to enforce TLSv1.2_2021.',
      );
    }
    if (!props.allowedCountries?.length) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR1',
        'No geo restriction by default: the static files are only the sign-in shell and every /api call needs a Cognito token, while a country allowlist would lock out staff on travel or roaming. Set qtrack:portalCountries (e.g. CN) to serve only those countries.',
      );
    }
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'No AWS WAF: a CloudFront web ACL must live in us-east-1 and costs about US$5 a month plus US$1 per rule and per-request fees, for a portal of a few dozen users. Every /api request is refused at the JWT authorizer without a valid Cognito ID token before any code runs, the API stage is throttled, and Cognito throttles sign-in. Add a web ACL (managed rules, rate limit) if the portal draws abuse.',
    );

    // The CDK-provided function of BucketDeployment (a singleton at the stack root) runs as deployRole.
    const assets = 'cdk-hnb659fds-assets';
    acknowledge(
      deployRole,
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'BucketDeployment reads the zipped portal files from the CDK asset bucket (GetBucket*, GetObject*, List*), the grants CDK scopes to that bucket; its aws s3 sync needs them.',
    );
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::arn:<AWS::Partition>:s3:::${assets}-<AWS::AccountId>-<AWS::Region>/*`,
      `Resource::<${nagLogicalId(this.bucket)}.Arn>/*`,
    ]) {
      acknowledge(
        deployRole,
        `AwsSolutions-IAM5[${finding}]`,
        'BucketDeployment syncs the portal files: it reads the asset zip and writes, replaces and prunes objects of the portal bucket only; CDK scopes these grants to those two buckets.',
      );
    }
    acknowledge(
      deployRole,
      'AwsSolutions-IAM5[Resource::*]',
      'cloudfront:CreateInvalidation and GetInvalidation after a deploy: CDK grants them on * (it cannot name the distribution without a dependency cycle); they only flush cached portal files.',
    );
    acknowledge(
      stackSingleton(this, 'Custom::CDKBucketDeployment'),
      'AwsSolutions-L1',
      'CDK-provided BucketDeployment handler: CDK pins its Python runtime to the version its bundled AWS CLI layer is built and tested for; it runs only during deploys, to copy the portal files.',
    );
  }
}

/** Fails synth with what to do when the portal has not been built. */
export function requirePortalAssets(dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(index)) {
    throw new Error(
      `The portal's static files are missing: ${index} does not exist. Build them first with \`npm run build\` (node scripts/build-portal.mjs writes dist/portal), then synth or deploy again.`,
    );
  }
}
