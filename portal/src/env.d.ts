// Names the build (scripts/build-portal.mjs) provides.

/** The validator worker's file name (hashed), beside the app's own chunks: `define` in the app build. */
declare const __QTRACK_VALIDATOR__: string;

