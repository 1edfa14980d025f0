/** Filled in by the build (esbuild define); "dev" when run from source in tests. */
declare const __APP_VERSION__: string | undefined;

export const APP_NAME = 'FS PBX NAT Wizard';
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev';
