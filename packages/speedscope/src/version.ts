/** This package's version, for the `exporter` field (a test keeps it equal to package.json). */
export const VERSION = '0.1.0'
