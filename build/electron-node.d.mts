export const ELECTRON_45_NODE: string;
export const cacheDir: string;
export const whyFile: string;
