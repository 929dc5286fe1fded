import pkg from '../package.json' with { type: 'json' };

/** Written into saved models so a file says which Fathom made it. */
export const APP_VERSION: string = pkg.version;
