// Writes docs/support.md from the support catalogue.
import { writeFileSync } from 'node:fs';
import { renderSupportDoc } from '../src/render/support-doc.ts';

writeFileSync('docs/support.md', renderSupportDoc());
