// `@switchboard/core/node`: the bridge to node:http, Express and Fastify.
export { type NodeListener, toNodeListener } from './engine/node.js';
