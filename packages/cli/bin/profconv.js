#!/usr/bin/env node
import '../dist/profconv.mjs'
