// Lambda: the portal's HTTP API (docs/api.md) behind API Gateway's JWT
// authorizer, which has verified the Cognito ID token before this runs: the
// claims it passes on are trusted, and a request without them (a route
// configured without the authorizer) is answered 401, never served.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { handleApi } from '../core/api';
import { API_HEADERS, type ApiDeps, type ApiRequest, type ApiResponse, type Claims } from '../core/api/types';
import { lambdaApiDeps } from '../runtime/lambda-api';

/**
 * cognito:groups as API Gateway hands it on: a JSON-ish "[a b]" string, a
 * plain string for one group, or an array.
 */
export function groupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

export function claimsOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Claims | undefined {
  const raw = event.requestContext?.authorizer?.jwt?.claims;
  if (!raw || typeof raw.sub !== 'string') return undefined;
  // an ID token: token_use id; an access token carries no e-mail and is not accepted
  if (raw.token_use !== undefined && raw.token_use !== 'id') return undefined;
  return { sub: raw.sub, email: typeof raw.email === 'string' ? raw.email : '', groups: groupsClaim(raw['cognito:groups']) };
}

export function requestOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): ApiRequest {
  let body: unknown;
  if (event.body) {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  const query = { ...event.queryStringParameters };
  const claims = claimsOf(event);
  return { method: event.requestContext.http.method, path: event.rawPath, query, body, ...(claims ? { claims } : {}) };
}

export function resultOf(response: ApiResponse): APIGatewayProxyResultV2 {
  const bytes = response.body instanceof Uint8Array;
  return {
    statusCode: response.status,
    headers: { ...API_HEADERS, ...(bytes ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), ...response.headers },
    body: bytes ? Buffer.from(response.body as Uint8Array).toString('base64') : JSON.stringify(response.body),
    isBase64Encoded: bytes,
  };
}

export function createApiHandler(deps: () => ApiDeps) {
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyResultV2> => resultOf(await handleApi(requestOf(event), deps()));
}

export const handler = createApiHandler(() => lambdaApiDeps());
