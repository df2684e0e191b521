// Who is calling, from the verified claims: an office user reads everything and
// uploads nothing; a clerk reads and uploads for the one department of their
// group. Every handler asks here, so the rule has one home.
import { DEPARTMENTS } from '../catalog';
import type { Department } from '../model';
import { fail } from './http';
import { type ApiResponse, type Claims, departmentGroup, OFFICE_GROUP } from './types';

export type Caller =
  | { role: 'office'; email: string; sub: string }
  | { role: 'clerk'; email: string; sub: string; department: Department };

const BY_GROUP = new Map(DEPARTMENTS.map((d) => [departmentGroup(d.code), d]));

/** The caller of verified claims, or the 403 of a token that names no single role. */
export function callerOf(claims: Claims): Caller | ApiResponse {
  const office = claims.groups.includes(OFFICE_GROUP);
  const departments = claims.groups.map((g) => BY_GROUP.get(g)).filter((d): d is Department => d !== undefined);
  if (office && departments.length === 0) return { role: 'office', email: claims.email, sub: claims.sub };
  if (!office && departments.length === 1) return { role: 'clerk', email: claims.email, sub: claims.sub, department: departments[0]! };
  return fail(403, 'NO_ROLE', {
    zh: '您的账号未分配到质量办或某一个报送部门（或同时分配了多个），请联系质量办管理员',
    en: 'Your account is assigned neither to the office nor to exactly one department: ask the office administrator',
  });
}

/** May the caller read this department's data? */
export function mayRead(caller: Caller, department: string): boolean {
  return caller.role === 'office' || caller.department.code === department;
}
