#!/usr/bin/env node
// kubectl finds plugins by name on PATH: `kubectl ciltune doctor` runs this file with the arguments after "ciltune".
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
