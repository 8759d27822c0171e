// The single typed description of Cilium that rules, sizing, suggest and explain read.
export * from './maps.js'
export * from './version.js'
export * from './conditions.js'
export * from './features.js'
export * from './helm-config.js'
export * from './effective.js'
export * from './limits.js'
