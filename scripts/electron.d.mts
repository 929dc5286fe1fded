/** Types of scripts/electron.mjs, for the tests. */
export declare function nodeSatisfies(version: string, range: string): boolean;
export declare function ensureElectron(options?: { log?: (line: string) => void }): string;
export declare function findElectron(): string | undefined;
