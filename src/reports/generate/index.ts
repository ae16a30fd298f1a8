/**
 * The annual report generated from the records (issue 5): the API the back office and the
 * report store build on.
 *
 *   generateReport(db, { agencyId, year, includeSubordinates? }) → GeneratedReport
 *   generateRollup(db, { agencyId, year })                       → RollupReport
 *   setReportEntry / clearReportEntry / listReportEntries / reportEntryHistory
 *                                                                  the figures an office enters
 *
 * The counting rules: counting.ts. The cells that can be entered: cells.ts.
 */
export {
  generateReport,
  generateRollup,
  type AgencyRef,
  type CellSource,
  type EnteredFigure,
  type GenerateOptions,
  type GeneratedReport,
  type ReportFacts,
  type ReportSources,
  type RollupReport,
} from './generate.js';
export {
  clearReportEntry,
  entryCell,
  listReportEntries,
  reportEntryHistory,
  setReportEntry,
  type EntryDeps,
  type ReportEntryChange,
  type ReportEntryView,
} from './entries.js';
export { proactiveCell, proactiveCells, parseCellValue, CellValueError, type ProactiveCellDef } from './cells.js';
export { applicationRows, effectiveClosing, reviewColumn, yearBounds, CATALOGUE_RULES, type YearBounds } from './counting.js';
export { countApplications } from './queries.js';
