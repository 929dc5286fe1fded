/** Why a file or folder could not be used, in words a user can act on. */

/** A file system error in words: the common causes named, others as Node words them. */
export function fileProblem(err: unknown): string {
  // Atomic writes wrap the errno error (naming their temporary file) as the cause.
  const isErrno = (e: unknown) => /^E[A-Z]+$/.test(String((e as NodeJS.ErrnoException | undefined)?.code));
  const cause = (err as { cause?: unknown }).cause;
  const { message } = err as Error;
  const { code } = (isErrno(err) ? err : isErrno(cause) ? cause : {}) as NodeJS.ErrnoException;
  if (code === 'EEXIST' || code === 'ENOTDIR') return 'a file is in the way where a folder should be';
  if (code === 'ENOENT') return 'the folder does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EROFS') return 'the disk is read-only';
  return message;
}
