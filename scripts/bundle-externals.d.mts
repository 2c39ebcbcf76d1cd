/** See bundle-externals.mjs. */
export declare const bundleExternals: string[];
