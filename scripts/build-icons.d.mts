/** Types of scripts/build-icons.mjs, for the tests. */
export declare function buildIcons(out?: string): string[];
export declare function ico(pngs: { size: number; png: Buffer }[]): Buffer;
export declare function icns(entries: { type: string; png: Buffer }[]): Buffer;
