// Whether another process still runs: the data directory's lock and the users
// file's lock are taken over only from a process that is gone.

/** true while the process exists (also when it is another user's: EPERM). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
