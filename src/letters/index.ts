/**
 * Reply letters (告知书) of disclosure on request: kinds and fields, editable templates, document
 * numbers, and the Word document. See kinds.ts, template.ts, templates.ts, doc-number.ts, docx.ts.
 */
export { LetterError } from './errors.js';
export * from './kinds.js';
export {
  MAX_LIST_ITEMS,
  MAX_TEMPLATE_CHARS,
  MAX_TEMPLATE_LINES,
  chineseNumeral,
  cleanText,
  renderTemplate,
  usedFields,
  validateTemplate,
  type FieldValue,
  type LetterFields,
  type LetterTemplate,
  type RenderedBody,
  type TemplateProblem,
} from './template.js';
export { DEFAULT_TEMPLATES, FEE_STANDARD_TEXT, REMEDY_LINE, defaultTemplate, feeLetterFields } from './templates.js';
export { formatDocNumber, parseDocNumber, prefixProblem, type DocNumber, type DocNumberStyle } from './doc-number.js';
export {
  LETTER_FONTS,
  buildLetterDocx,
  displayWidth,
  renderLetter,
  type LetterInput,
  type LetterStyle,
  type RenderedLetter,
} from './docx.js';
