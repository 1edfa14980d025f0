// ESLint rule "layers/direction": every import must follow build/layers.mjs.
import { relative } from 'node:path';
import { violation } from './layers.mjs';

const root = new URL('..', import.meta.url).pathname;

const direction = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layer direction of build/layers.mjs' },
    schema: [],
  },
  create(context) {
    const file = relative(root, context.filename);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const why = violation(root, file, spec);
      if (why) context.report({ node, message: why });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { direction } };
