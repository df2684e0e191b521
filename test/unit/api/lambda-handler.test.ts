// The API's Lambda adapter: the claims API Gateway's JWT authorizer passes on
// (cognito:groups in its several spellings), an access token refused, bytes
// answered as base64, and the security headers on every answer.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { API_HEADERS } from '../../../functions/core/api/types';
import { claimsOf, groupsClaim, requestOf, resultOf } from '../../../functions/handlers/api';

const event = (claims: Record<string, unknown> | undefined, extra: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {}) =>
  ({
    rawPath: '/api/me',
    queryStringParameters: { period: '2026-Q1' },
    requestContext: { http: { method: 'GET' }, ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}) },
    ...extra,
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('the API Lambda adapter', () => {
  it('reads cognito:groups as API Gateway spells it', () => {
    expect(groupsClaim('[office]')).toEqual(['office']);
    expect(groupsClaim('[dept-construction office]')).toEqual(['dept-construction', 'office']);
    expect(groupsClaim('["dept-a","dept-b"]')).toEqual(['dept-a', 'dept-b']);
    expect(groupsClaim('office')).toEqual(['office']);
    expect(groupsClaim(['office'])).toEqual(['office']);
    expect(groupsClaim(undefined)).toEqual([]);
  });

  it('takes an ID token’s claims; no authorizer or an access token gives no claims', () => {
    expect(claimsOf(event({ sub: 's', email: 'a@b.cn', token_use: 'id', 'cognito:groups': '[office]' }))).toEqual({ sub: 's', email: 'a@b.cn', groups: ['office'] });
    expect(claimsOf(event(undefined))).toBeUndefined();
    expect(claimsOf(event({ sub: 's', token_use: 'access', 'cognito:groups': '[office]' }))).toBeUndefined();
    const r = requestOf(event(undefined, { body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true }));
    expect(r).toEqual({ method: 'GET', path: '/api/me', query: { period: '2026-Q1' }, body: { a: 1 } });
    expect(requestOf(event(undefined, { body: 'not json' })).body).toBeUndefined();
  });

  it('answers JSON or base64 bytes, always with the security headers', () => {
    const json = resultOf({ status: 403, body: { error: { code: 'FORBIDDEN' } } }) as { headers: Record<string, string>; body: string; isBase64Encoded: boolean };
    expect(json.headers).toMatchObject({ ...API_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
    expect(JSON.parse(json.body)).toEqual({ error: { code: 'FORBIDDEN' } });
    const bytes = resultOf({ status: 200, headers: { 'Content-Type': 'application/x' }, body: new Uint8Array([1, 2, 3]) }) as { headers: Record<string, string>; body: string; isBase64Encoded: boolean };
    expect(bytes).toMatchObject({ isBase64Encoded: true, body: 'AQID', headers: { 'Content-Type': 'application/x', 'Cache-Control': 'no-store' } });
  });
});
