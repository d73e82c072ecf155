/** The layer expression language: `ipv4(dst=127.0.0.1)/udp(dstPort=53)/raw('hi')`. */
export { ExpressionError, parse, parseExpression, parseSyntax, build, formatExpression, plainValue, type ParsedExpression, type ExprLayer, type ExprArg, type ExprValue } from './parse.js';
export { expand, MAX_EXPANSION, type ExpandedExpression } from './expand.js';
