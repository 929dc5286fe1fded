/** window.localStorage, or null where it cannot be reached (what it holds is untrusted: readers check it). */
export function browserStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}
