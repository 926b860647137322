#!/usr/bin/env node
// `npx outbound …` from the checkout: the CLI is TypeScript, run through tsx (a devDependency).
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
