// Types of scripts/build-cli.mjs, for the TypeScript that imports it (tests, bench).
export declare const ROOT: string;
export declare const OUT_DIR: string;
export declare const BUNDLE: string;
export declare function newestSource(): number;
export declare function isFresh(): boolean;
export declare function build(options?: { clean?: boolean; quiet?: boolean }): Promise<boolean>;
