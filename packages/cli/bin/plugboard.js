#!/usr/bin/env node
// The installed command runs the compiled CLI with plain Node (no tsx at run time).
import '../dist/main.js';
