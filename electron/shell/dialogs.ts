/** The system's file dialogs for bundles, attached to the app window. */
import { dialog, type BrowserWindow } from 'electron';

const ZIP = [{ name: 'Config bundle', extensions: ['zip'] }];

export function chooseFile(getWindow: () => BrowserWindow | undefined) {
  return async (purpose: 'export-bundle' | 'import-bundle', suggestedName?: string): Promise<string | undefined> => {
    const window = getWindow();
    if (purpose === 'export-bundle') {
      const options = { title: 'Save the config bundle', defaultPath: suggestedName ?? 'bundle.zip', filters: ZIP };
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled ? undefined : result.filePath;
    }
    const options = { title: 'Open a config bundle', filters: ZIP, properties: ['openFile' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? undefined : result.filePaths[0];
  };
}
