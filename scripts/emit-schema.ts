import { writeFileSync } from 'node:fs';
import { printKfpSchema } from '../resolvers/build-schema.js';

/** `npm run schema`: writes schema/schema.graphql from the resolvers (the only way it changes). */
writeFileSync(new URL('../schema/schema.graphql', import.meta.url), printKfpSchema());
console.log('wrote schema/schema.graphql');
