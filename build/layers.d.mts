export interface Layer {
  name: string;
  holds: string[];
  mayImport: string[];
}
export const LAYERS: Layer[];
export const PACKAGES: Record<string, string[]>;
export function layerOf(relPath: string): Layer | undefined;
export function violation(root: string, fromFile: string, spec: string): string | undefined;
export const DOMAIN_RANKS: Record<string, number>;
export const PURE_MODULES: string[];
