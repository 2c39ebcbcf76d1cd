/** kubetwin's version, printed by --version and written into SARIF. */
export const version = '0.1.0';
