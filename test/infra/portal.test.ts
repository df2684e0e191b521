// The portal's AWS side states its intent: only people the office creates may
// sign in, each in one role group; every API route needs a Cognito ID token;
// the API function reads only what the portal shows and writes only uploads; the
// static files are private behind CloudFront (origin access control, HTTPS,
// strict headers); the browser may upload to the submissions bucket from the
// portal's origin only; the CLI finds the pool and the addresses in the outputs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OFFICE_GROUP, departmentGroup } from '../../functions/core/api/types';
import { PREFIX } from '../../functions/core/object-keys';
import { STACK_OUTPUTS } from '../../functions/runtime/contract';
import { ENV } from '../../functions/runtime/env';
import departmentRegistry from '../../schemas/departments.json';
import { requirePortalAssets } from '../../infra/constructs/portal';
import { actionsOf, buildStack, environmentOf, flatten, grantsOf, logicalId, statementsOf, type CfnResource } from './helpers';

const built = buildStack();
const { stack, json, template } = built;
const { portal } = stack;
const ofType = (type: string, from = json) => Object.entries(from.Resources).filter(([, r]) => r.Type === type);
const ids = {
  pool: logicalId(portal.userPool),
  client: logicalId(portal.client),
  api: logicalId(portal.httpApi),
  // the authorizer is not a construct of its own: its resource is made when a route binds it
  authorizer: ofType('AWS::ApiGatewayV2::Authorizer')[0]![0],
  fn: logicalId(portal.api),
  distribution: logicalId(portal.distribution),
  files: logicalId(portal.bucket),
  cdnLogs: logicalId(portal.cdnLogs),
  headers: logicalId(portal.headers),
  submissions: logicalId(stack.data.submissions),
  reports: logicalId(stack.data.reports),
  archive: logicalId(stack.data.archive),
  table: logicalId(stack.data.table),
};

const only = (type: string, from = json): CfnResource => {
  const found = ofType(type, from);
  expect(found, type).toHaveLength(1);
  return found[0]![1];
};
const distributionConfig = (from = built) => from.json.Resources[logicalId(from.stack.portal.distribution)]!.Properties!.DistributionConfig;
const httpsOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }]] };

describe('who may sign in: the Cognito user pool', () => {
  const pool = json.Resources[ids.pool]!;

  it('has no self sign-up and signs in by e-mail, case-insensitively', () => {
    expect(pool.Properties!.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties!.UsernameAttributes).toEqual(['email']);
    expect(pool.Properties!.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(pool.Properties!.AutoVerifiedAttributes).toEqual(['email']);
  });

  it('asks for strong passwords, recovers accounts by e-mail only, offers TOTP (never SMS)', () => {
    expect(pool.Properties!.Policies.PasswordPolicy).toEqual({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
    });
    expect(pool.Properties!.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
    expect(pool.Properties!.MfaConfiguration).toBe('OPTIONAL');
    expect(pool.Properties!.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('is deletion-protected and retained: it holds the people', () => {
    expect(pool.Properties!.DeletionProtection).toBe('ACTIVE');
    expect([pool.DeletionPolicy, pool.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('has exactly the office group and one group per registry department', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties!);
    for (const g of groups) expect(g.UserPoolId).toEqual({ Ref: ids.pool });
    const expected = [OFFICE_GROUP, ...departmentRegistry.departments.map((d) => departmentGroup(d.code))];
    expect(expected).toContain('office');
    expect(expected).toContain('dept-construction');
    expect(groups.map((g) => g.GroupName).sort()).toEqual(expected.sort());
  });

  it('has one app client: public, USER_PASSWORD_AUTH and refresh only, 1-hour ID tokens, no user-existence errors, no OAuth', () => {
    const client = only('AWS::Cognito::UserPoolClient').Properties!;
    expect(client).toMatchObject({
      UserPoolId: { Ref: ids.pool },
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: 60,
      TokenValidityUnits: { IdToken: 'minutes' },
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
    });
    expect(client.AllowedOAuthFlows).toBeUndefined();
    expect(client.CallbackURLs).toBeUndefined();
  });

  it('invites new users with a link to the portal', () => {
    const message = flatten(pool.Properties!.AdminCreateUserConfig.InviteMessageTemplate.EmailMessage);
    expect(message).toContain(`https://${ids.distribution}.DomainName/`);
    expect(message).toContain('{username}');
    expect(message).toContain('{####}');
  });
});

describe('the HTTP API', () => {
  it('has one route, ANY /api/{proxy+}, to the API function', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);
    expect(routes.map((r) => r.RouteKey)).toEqual(['ANY /api/{proxy+}']);
    const integration = only('AWS::ApiGatewayV2::Integration').Properties!;
    expect(integration).toMatchObject({
      ApiId: { Ref: ids.api },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('has no route without the JWT authorizer', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
      expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: ids.authorizer });
    }
  });

  it('accepts only ID tokens of this pool and this app client, from the Authorization header', () => {
    const authorizer = only('AWS::ApiGatewayV2::Authorizer').Properties!;
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(authorizer.JwtConfiguration.Audience).toEqual([{ Ref: ids.client }]);
    expect(flatten(authorizer.JwtConfiguration.Issuer)).toBe(`https://cognito-idp.AWS::Region.AWS::URLSuffix/${ids.pool}`);
  });

  it('throttles the default stage and writes access logs (with the caller) to a log group', () => {
    const stage = only('AWS::ApiGatewayV2::Stage').Properties!;
    expect(stage).toMatchObject({
      ApiId: { Ref: ids.api },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 },
    });
    const logGroup = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(json.Resources[logGroup]!.Type).toBe('AWS::Logs::LogGroup');
    expect(json.Resources[logGroup]!.Properties!.RetentionInDays).toBe(365);
    const format = JSON.parse(stage.AccessLogSettings.Format as string);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', sub: '$context.authorizer.claims.sub' });
  });

  it('lets only this API invoke the function', () => {
    const permissions = ofType('AWS::Lambda::Permission')
      .map(([, r]) => r.Properties!)
      .filter((p) => JSON.stringify(p.FunctionName).includes(ids.fn));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    expect(flatten(permissions[0]!.SourceArn)).toContain(`:${ids.api}/*/*/api/{proxy+}`);
  });
});

describe('the API function', () => {
  const fn = portal.api;

  it('is sized for the API: 512 MB, 30 s', () => {
    const props = json.Resources[ids.fn]!.Properties!;
    expect([props.MemorySize, props.Timeout]).toEqual([512, 30]);
  });

  it('is configured like the other functions and names only what it is granted', () => {
    expect(environmentOf(built, fn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      [ENV.plan]: '15th',
      [ENV.dueDays]: '10',
      [ENV.summaryDays]: '15',
      [ENV.tableName]: { Ref: ids.table },
      [ENV.reportsBucket]: { Ref: ids.reports },
      [ENV.submissionsBucket]: { Ref: ids.submissions },
    });
  });

  it('may only GetItem and Query the table', () => {
    const dynamo = statementsOf(built, fn).flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('reads only reports/, alerts/ and summaries/ of the reports bucket and submissions/ of the submissions bucket', () => {
    const objects = (bucket: string, prefix: string) => `${bucket}.Arn/${prefix}*`;
    const reads = [
      objects(ids.reports, PREFIX.reports),
      objects(ids.reports, PREFIX.alerts),
      objects(ids.reports, PREFIX.summaries),
      // the original upload's presigned download, by its S3 version id
      objects(ids.submissions, PREFIX.submissions),
    ];
    expect(grantsOf(built, fn, 's3:GetObject').sort()).toEqual([...reads].sort());
    expect(grantsOf(built, fn, 's3:GetObjectVersion').sort()).toEqual([...reads].sort());
    // a summary not written yet must answer 404, not S3's 403 for a reader without list
    const list = statementsOf(built, fn).filter((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list.map((s) => [flatten(s.Resource), s.Condition])).toEqual([
      [`${ids.reports}.Arn`, { StringLike: { 's3:prefix': [`${PREFIX.summaries}*`] } }],
    ]);
  });

  it('may put objects only under submissions/ of the submissions bucket (the uploads it signs)', () => {
    expect(grantsOf(built, fn, 's3:PutObject')).toEqual([`${ids.submissions}.Arn/${PREFIX.submissions}*`]);
  });

  it('has no other S3 action, no archive, topic or queue, and nothing on *', () => {
    const actions = statementsOf(built, fn).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual(
      ['s3:GetObject', 's3:GetObject', 's3:GetObjectVersion', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject'].sort(),
    );
    expect(actions.filter((a) => /^(sns|sqs|kms|lambda):/.test(a) || a.endsWith(':*') || a === '*')).toEqual([]);
    const resources = statementsOf(built, fn).flatMap((s) => [s.Resource].flat().map(flatten));
    expect(resources.filter((r) => r.includes(ids.archive))).toEqual([]);
    // only X-Ray's two calls (which have no resource-level permissions) are on *
    const onStar = statementsOf(built, fn).filter((s) => s.Resource === '*');
    expect(onStar.flatMap(actionsOf).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });
});

describe('the distribution', () => {
  const config = distributionConfig();
  const originOf = (behaviour: { TargetOriginId?: string }) =>
    (config.Origins as { Id: string }[]).find((o) => o.Id === behaviour.TargetOriginId) as Record<string, any>;
  const apiBehaviour = (config.CacheBehaviors as Record<string, any>[]).find((b) => b.PathPattern === '/api/*')!;

  it('serves the portal bucket through origin access control: no OAI, no public bucket policy', () => {
    const s3 = originOf(config.DefaultCacheBehavior);
    expect(s3.DomainName).toEqual({ 'Fn::GetAtt': [ids.files, 'RegionalDomainName'] });
    expect(s3.OriginAccessControlId).toBeDefined();
    expect(s3.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const oac = only('AWS::CloudFront::OriginAccessControl').Properties!.OriginAccessControlConfig;
    expect(oac).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);

    const policy = ofType('AWS::S3::BucketPolicy').find(([, r]) => r.Properties!.Bucket.Ref === ids.files)![1];
    const allows = (policy.Properties!.PolicyDocument.Statement as Record<string, any>[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(flatten(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toContain(`:distribution/${ids.distribution}`);
    expect(json.Resources[ids.files]!.Properties!.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(json.Resources[ids.files]!.Properties!.WebsiteConfiguration).toBeUndefined();
  });

  it('redirects to HTTPS, serves index.html at the root and logs every request', () => {
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [ids.cdnLogs, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    // CloudFront's log delivery needs ACLs; still private, TLS-only, its own access logged
    expect(json.Resources[ids.cdnLogs]!.Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.data.accessLogs) } },
    });
  });

  it('sends /api/* to the HTTP API over TLS 1.2, uncached, with the Authorization header and query strings', () => {
    const origin = originOf(apiBehaviour);
    expect(flatten(origin.DomainName)).toBe(`${ids.api}.execute-api.AWS::Region.AWS::URLSuffix`);
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(apiBehaviour).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // the managed CachingDisabled policy
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      // the managed AllViewerExceptHostHeader policy: the only kind that forwards
      // Authorization when caching is disabled; API Gateway needs its own Host
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
  });

  it('uses the CloudFront certificate without a custom domain (TLS fixed by CloudFront, acknowledged)', () => {
    expect(config.ViewerCertificate).toBeUndefined();
    expect(config.Aliases).toBeUndefined();
  });

  it('with a custom domain: TLS 1.2 (2021 policy) over SNI, and that domain is the portal origin everywhere', () => {
    const domain = { domainName: 'qtrack.example.gov.cn', certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc' };
    const own = buildStack({ portalDomain: domain });
    const c = distributionConfig(own);
    expect(c.Aliases).toEqual([domain.domainName]);
    expect(c.ViewerCertificate).toEqual({
      AcmCertificateArn: domain.certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(own.json.Outputs?.[STACK_OUTPUTS.portalUrl]).toEqual({ Value: 'https://qtrack.example.gov.cn/' });
    expect(environmentOf(own, own.stack.intake.ingest)[ENV.portalUrl]).toBe('https://qtrack.example.gov.cn/');
    const cors = Object.values(own.json.Resources).find((r) => r.Type === 'Custom::PortalUploadCors')!;
    // and the distribution's own *.cloudfront.net name, which still serves the portal
    expect(flatten(cors.Properties!.Create)).toMatch(/"AllowedOrigins":\["https:\/\/qtrack\.example\.gov\.cn","https:\/\/.*DomainName.*"\]/);
  });

  it('serves only the listed countries when asked to', () => {
    expect(config.Restrictions).toBeUndefined();
    const cn = buildStack({ portalCountries: ['CN'] });
    expect(distributionConfig(cn).Restrictions).toEqual({ GeoRestriction: { RestrictionType: 'whitelist', Locations: ['CN'] } });
    expect(() => buildStack({ portalCountries: ['cn'] })).toThrow(/"cn" is not an ISO 3166-1 alpha-2 code/);
  });
});

describe('security headers', () => {
  const policy = only('AWS::CloudFront::ResponseHeadersPolicy').Properties!.ResponseHeadersPolicyConfig;
  const security = policy.SecurityHeadersConfig;
  const csp = flatten(security.ContentSecurityPolicy.ContentSecurityPolicy);
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources] as const;
    }),
  );
  const uploads = `https://${ids.submissions}.RegionalDomainName`;

  it('apply to the portal and to /api/* alike', () => {
    const config = distributionConfig();
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: ids.headers });
    for (const b of config.CacheBehaviors as Record<string, unknown>[]) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: ids.headers });
  });

  it('carry a CSP that allows only the portal itself, Cognito and the submissions bucket', () => {
    expect(security.ContentSecurityPolicy.Override).toBe(true);
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'connect-src': ["'self'", 'https://cognito-idp.AWS::Region.AWS::URLSuffix', uploads],
      'form-action': ["'self'", uploads],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'object-src': ["'none'"],
    });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
  });

  it('set HSTS for a year, nosniff, frame DENY and no referrer', () => {
    expect(security.StrictTransportSecurity).toMatchObject({ Override: true, IncludeSubdomains: true });
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
  });
});

describe('the portal files', () => {
  const deployment = only('Custom::CDKBucketDeployment').Properties!;

  it('are copied into the portal bucket, replacing what was there, and flush the CDN', () => {
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: ids.files },
      Prune: true,
      DistributionId: { Ref: ids.distribution },
      DistributionPaths: ['/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
  });

  it('come with a config.json naming the pool, the client, Cognito’s endpoint (as the CSP names it) and /api', () => {
    const assembly = built.app.synth().directory;
    const markers = deployment.SourceMarkers as Record<string, unknown>[];
    const found = (deployment.SourceObjectKeys as string[])
      .map((key, i) => ({ dir: join(assembly, `asset.${key.replace(/\.zip$/, '')}`), markers: markers[i]! }))
      .filter((a) => existsSync(join(a.dir, 'config.json')));
    expect(found).toHaveLength(1);
    let text = readFileSync(join(found[0]!.dir, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(found[0]!.markers)) text = text.replaceAll(marker, flatten(value));
    expect(JSON.parse(text)).toEqual({
      auth: { kind: 'cognito', region: 'AWS::Region', endpoint: 'https://cognito-idp.AWS::Region.AWS::URLSuffix', userPoolId: ids.pool, clientId: ids.client },
      api: '/api',
    });
  });

  it('must be built before synth: a missing dist/portal says to run npm run build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'qtrack-no-portal-'));
    try {
      expect(() => requirePortalAssets(empty)).toThrow(/index\.html does not exist.*npm run build/);
      expect(() => buildStack({ portalAssets: join(empty, 'missing') })).toThrow(/npm run build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('browser uploads to the submissions bucket', () => {
  const cors = only('Custom::PortalUploadCors');

  it('are allowed by CORS from the portal distribution’s https origin only, POST only', () => {
    for (const phase of ['Create', 'Update'] as const) {
      expect(cors.Properties![phase]).toBeDefined();
      const text = flatten(cors.Properties![phase]);
      expect(text).toContain(`"Bucket":"${ids.submissions}"`);
      expect(text).toContain(`"AllowedOrigins":["${flatten(httpsOrigin)}"]`);
      expect(text).toContain('"AllowedMethods":["POST"]');
      expect(text).toContain('"action":"PutBucketCors"');
    }
    expect(flatten(cors.Properties!.Delete)).toContain('"action":"DeleteBucketCors"');
  });

  it('have their CORS rule set at deploy time by a role that may change only that bucket’s CORS', () => {
    // not in the bucket's own template: it would make bucket → distribution → headers → bucket a cycle
    expect(json.Resources[ids.submissions]!.Properties!.CorsConfiguration).toBeUndefined();
    const policies = Object.entries(json.Resources).filter(
      ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.PolicyDocument).includes('PutBucketCORS'),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]![1].Properties!.PolicyDocument.Statement).toEqual([
      { Action: 's3:PutBucketCORS', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.submissions, 'Arn'] } },
    ]);
  });

  it('leave the template without a dependency cycle', () => {
    const resources = json.Resources;
    const refs = (value: unknown, out: Set<string>): Set<string> => {
      if (Array.isArray(value)) for (const v of value) refs(v, out);
      else if (value && typeof value === 'object') {
        const v = value as Record<string, unknown>;
        if (typeof v.Ref === 'string' && v.Ref in resources) out.add(v.Ref);
        if (Array.isArray(v['Fn::GetAtt'])) out.add(v['Fn::GetAtt'][0] as string);
        for (const child of Object.values(v)) refs(child, out);
      }
      return out;
    };
    const deps = new Map(
      Object.entries(resources).map(([id, r]) => {
        const out = refs(r.Properties, new Set());
        for (const d of [(r as { DependsOn?: string | string[] }).DependsOn ?? []].flat()) out.add(d);
        return [id, [...out].filter((d) => d in resources)];
      }),
    );
    const state = new Map<string, 'visiting' | 'done'>();
    const cycle: string[] = [];
    const visit = (id: string, path: string[]): boolean => {
      if (state.get(id) === 'visiting') return cycle.push(...path.slice(path.indexOf(id)), id) > 0;
      if (state.get(id) === 'done') return false;
      state.set(id, 'visiting');
      for (const d of deps.get(id)!) if (visit(d, [...path, id])) return true;
      state.set(id, 'done');
      return false;
    };
    for (const id of deps.keys()) if (visit(id, [])) break;
    expect(cycle).toEqual([]);
    template.resourceCountIs('Custom::PortalUploadCors', 1);
  });
});

describe('outputs', () => {
  it('give the portal, the API, the pool and its client under the contract’s names, and keep the others', () => {
    expect(STACK_OUTPUTS).toMatchObject({
      portalUrl: 'PortalUrl',
      apiUrl: 'ApiUrl',
      userPoolId: 'UserPoolId',
      userPoolClientId: 'UserPoolClientId',
    });
    const out = json.Outputs!;
    expect(flatten(out[STACK_OUTPUTS.portalUrl]!.Value)).toBe(`https://${ids.distribution}.DomainName/`);
    expect(flatten(out[STACK_OUTPUTS.apiUrl]!.Value)).toBe(`https://${ids.api}.execute-api.AWS::Region.AWS::URLSuffix/api`);
    expect(out[STACK_OUTPUTS.userPoolId]!.Value).toEqual({ Ref: ids.pool });
    expect(out[STACK_OUTPUTS.userPoolClientId]!.Value).toEqual({ Ref: ids.client });
    for (const name of ['SubmissionsBucketName', 'ReportsBucketName', 'ArchiveBucketName', 'TableName', 'AlertTopicArn', 'DashboardName']) {
      expect(out[name], name).toBeDefined();
    }
  });
});
