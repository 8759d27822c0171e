#!/usr/bin/env node
// kubectl finds plugins by name on PATH: `kubectl ciltune doctor` runs this file with the arguments after "ciltune".
import {start} from './start.js'

await start(import.meta.url)
