// The configurable offsets reach both the schedule and the functions, bad
// configuration fails at synth with its name, and PipelineFunction's bindings
// refuse what would let a grant and its environment variable drift apart.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFSETS } from '../../functions/core/periods';
import { ENV } from '../../functions/runtime/env';
import { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { jobSchedule } from '../../infra/constructs/scheduled-jobs';
import { DEFAULT_DUE_DAYS, DEFAULT_SUMMARY_DAYS } from '../../infra/stacks/qtrack-stack';
import { buildStack, environmentOf, logicalId } from './helpers';

describe('offsets', () => {
  it('defaults to the same due and summary days as the core (PRODUCT §4)', () => {
    expect({ dueDays: DEFAULT_DUE_DAYS, summaryDays: DEFAULT_SUMMARY_DAYS }).toEqual(DEFAULT_OFFSETS);
  });

  it('computes the schedules from summaryDays and the hour', () => {
    expect(jobSchedule(15, 1)).toEqual({ monitor: 'cron(0 1 * * ? *)', summary: 'cron(0 1 15 1,4,7,10 ? *)' });
    expect(jobSchedule(28, 0)).toEqual({ monitor: 'cron(0 0 * * ? *)', summary: 'cron(0 0 28 1,4,7,10 ? *)' });
    expect(jobSchedule(1, 23).summary).toBe('cron(0 23 1 1,4,7,10 ? *)');
  });

  it('refuses offsets that a day-of-month cron cannot express', () => {
    expect(() => jobSchedule(29, 1)).toThrow('summaryDays must be an integer from 1 to 28, got 29');
    expect(() => jobSchedule(0, 1)).toThrow('summaryDays must be an integer from 1 to 28, got 0');
    expect(() => jobSchedule(14.5, 1)).toThrow('got 14.5');
    expect(() => jobSchedule(15, 24)).toThrow('scheduleHourUtc must be an integer from 0 to 23, got 24');
  });
});

describe('a stack configured with other offsets', () => {
  const built = buildStack({ dueDays: 12, summaryDays: 20, scheduleHourUtc: 2, plan: '14th' });

  it('schedules the summary on the configured day and hour', () => {
    const expressions = Object.values(built.json.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => r.Properties!.ScheduleExpression)
      .sort();
    expect(expressions).toEqual(['cron(0 2 * * ? *)', 'cron(0 2 20 1,4,7,10 ? *)']);
  });

  it('passes the same offsets and plan to every function', () => {
    const { ingest } = built.stack.intake;
    const { evaluate, monitor, summary } = built.stack.jobs;
    for (const fn of [ingest, evaluate, monitor, summary]) {
      expect(environmentOf(built, fn)).toMatchObject({
        [ENV.dueDays]: '12',
        [ENV.summaryDays]: '20',
        [ENV.plan]: '14th',
      });
    }
  });

  it('subscribes no one unless asked', () => {
    built.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('configuration errors fail at synth', () => {
  it('refuses a summary on or before the due date', () => {
    expect(() => buildStack({ dueDays: 15, summaryDays: 15 })).toThrow('summaryDays (15) must be after dueDays (15)');
  });

  it('refuses a negative due offset', () => {
    expect(() => buildStack({ dueDays: -1 })).toThrow('dueDays must be a non-negative integer, got -1');
  });

  it('refuses a department code that is not kebab-case', () => {
    expect(() => buildStack({ departments: [{ code: 'Market Regulation', name: '区市场监管局' }] })).toThrow(
      'department code "Market Regulation" is not kebab-case',
    );
  });

  it('subscribes the given addresses to the right topics', () => {
    const built = buildStack({ alertEmails: ['office@example.org'], opsEmails: ['ops@example.org'] });
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'office@example.org',
      TopicArn: { Ref: logicalId(built.stack.alerting.alertTopic) },
    });
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: { Ref: logicalId(built.stack.alerting.opsTopic) },
    });
  });
});

describe('PipelineFunction bindings', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Bindings');
  const bucketA = new Bucket(stack, 'A');
  const bucketB = new Bucket(stack, 'B');
  const fn = new PipelineFunction(stack, 'Fn', { handlerName: 'monitor' });
  fn.bindBucket('reportsBucket', bucketA, { write: ['alerts/'] });

  it('refuses to bind one env var to two different resources', () => {
    expect(() => fn.bindBucket('reportsBucket', bucketB, { write: ['alerts/'] })).toThrow(
      'Bindings/Fn: QTRACK_REPORTS_BUCKET is already bound to a different value',
    );
  });

  it('allows binding the same resource again for another use', () => {
    expect(() => fn.bindBucket('reportsBucket', bucketA, { read: ['reports/'] })).not.toThrow();
  });

  it('refuses a prefix that is not a folder, and a binding that grants nothing', () => {
    expect(() => fn.bindBucket('submissionsBucket', bucketB, { read: ['submissions'] })).toThrow(
      'bucket prefix "submissions" must be a folder ending in /',
    );
    expect(() => fn.bindBucket('submissionsBucket', bucketB, {})).toThrow('bindBucket(submissionsBucket) grants nothing');
  });

  it('uses the shared defaults without bundling: 512 MB, 60 s, handler entry under functions/handlers', () => {
    const props = Template.fromStack(stack).toJSON().Resources[logicalId(fn)].Properties;
    expect([props.MemorySize, props.Timeout, props.Handler]).toEqual([512, 60, 'index.handler']);
    expect(fn.timeoutDuration.toSeconds()).toBe(60);
  });
});
