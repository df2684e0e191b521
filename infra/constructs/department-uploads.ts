// One IAM managed policy per department that confines its uploads to its own
// prefix, submissions/{department}/, and lets it read back its own validation
// reports under reports/{department}/. The office attaches a department's policy
// to that department's users or roles; nothing in the stack attaches it.
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIX } from '../../functions/core/object-keys';
import { acknowledge, nagLogicalId } from '../nag';

export interface UploadingDepartment {
  readonly code: string;
  readonly name: string;
}

export interface DepartmentUploadsProps {
  readonly submissions: IBucket;
  /** Where ingest writes reports/{department}/{period}/{submission}.json and .xlsx. */
  readonly reports: IBucket;
  /** The registry's departments (schemas/departments.json). */
  readonly departments: readonly UploadingDepartment[];
}

/** Department codes become key prefixes, group names and construct ids: keep them plain. */
const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Throws unless the code is kebab-case (the portal's groups and the upload policies both use it). */
export function assertDepartmentCode(code: string): void {
  if (!CODE.test(code)) throw new Error(`department code "${code}" is not kebab-case`);
}

export class DepartmentUploads extends Construct {
  /** The upload policy of each department, by department code. */
  public readonly policies: ReadonlyMap<string, ManagedPolicy>;

  constructor(scope: Construct, id: string, props: DepartmentUploadsProps) {
    super(scope, id);
    const policies = new Map<string, ManagedPolicy>();
    const submissionsId = nagLogicalId(props.submissions);
    const reportsId = nagLogicalId(props.reports);

    for (const department of props.departments) {
      assertDepartmentCode(department.code);
      if (policies.has(department.code)) throw new Error(`department code "${department.code}" is listed twice`);
      const prefix = `${PREFIX.submissions}${department.code}/`;
      const reportPrefix = `${PREFIX.reports}${department.code}/`;
      const policy = new ManagedPolicy(this, department.code, {
        description: `qtrack: ${department.name} (${department.code}) uploads under ${prefix} and reads its reports under ${reportPrefix}`,
        statements: [
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'],
            resources: [props.submissions.arnForObjects(`${prefix}*`)],
          }),
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['s3:ListBucket'],
            resources: [props.submissions.bucketArn],
            conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
          }),
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['s3:GetObject'],
            resources: [props.reports.arnForObjects(`${reportPrefix}*`)],
          }),
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['s3:ListBucket'],
            resources: [props.reports.bucketArn],
            conditions: { StringLike: { 's3:prefix': [`${reportPrefix}*`] } },
          }),
        ],
      });
      if (submissionsId) {
        acknowledge(
          policy,
          `AwsSolutions-IAM5[Resource::<${submissionsId}.Arn>/${prefix}*]`,
          `A department uploads one workbook per period under ${prefix}{period}/; the wildcard is that department's own folder and nothing else.`,
        );
      }
      if (reportsId) {
        acknowledge(
          policy,
          `AwsSolutions-IAM5[Resource::<${reportsId}.Arn>/${reportPrefix}*]`,
          `Validation reports are named by period and submission id under ${reportPrefix}; the wildcard is that department's own report folder only.`,
        );
      }
      policies.set(department.code, policy);
    }
    this.policies = policies;
  }
}
