/**
 * Errors of the report exports, each with one Chinese line for the user.
 *
 * - ReportExportError: the report itself cannot be exported (it fails validation, or the format
 *   asked for is unknown); `issues` lists every problem (path: reason). Surfaces map it to 400 /
 *   CLI exit 2, like ReportJsonError, whose issues it carries.
 * - PdfUnavailableError: no Chromium to print with (not installed, not at the configured path, or
 *   it would not start). A deployment problem, not the user's: 503.
 * - PdfBusyError: too many PDFs waiting for the one browser; try again later (503).
 */
export class ReportExportError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReportExportError';
  }
}

export class PdfUnavailableError extends Error {
  constructor(
    message: string,
    readonly executablePath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PdfUnavailableError';
  }
}

export class PdfBusyError extends Error {
  constructor(message = 'PDF 生成任务过多，请稍后再试') {
    super(message);
    this.name = 'PdfBusyError';
  }
}
