#!/usr/bin/env bash
# Scaffolds packages/<name> with the layout every profconv package shares.
# usage: scripts/new-package.sh <name> "<one-line description>"
set -euo pipefail
name=$1; desc=$2
dir=packages/$name
mkdir -p "$dir/src" "$dir/test"
cat > "$dir/package.json" <<JSON
{
  "name": "@profconv/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "exports": {
    ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" },
    "./package.json": "./package.json"
  },
  "types": "./dist/index.d.ts",
  "files": ["dist", "README.md"],
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc -p tsconfig.json --noEmit",
    "lint": "eslint src test && prettier --check src test",
    "test": "NODE_OPTIONS=--experimental-vm-modules jest"
  },
  "dependencies": {}
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.json",
  "compilerOptions": { "types": ["node", "jest"], "noEmit": true },
  "include": ["src", "test"]
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "../../tsconfig.json",
  "compilerOptions": { "outDir": "dist", "rootDir": "src", "types": [] },
  "include": ["src"]
}
JSON
cat > "$dir/jest.config.js" <<JS
import base from '../../jest.config.base.js'
export default { ...base, displayName: '$name' }
JS
echo "created $dir"
