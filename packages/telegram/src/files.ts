import { SwitchboardError } from '@switchboard/core';
import axios from 'axios';
import { z } from 'zod';
import type { BotApiClient } from './client.js';

/** The Bot API serves files of at most 20 MB (api#getfile). */
export const TELEGRAM_DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;

const File = z.object({
  file_id: z.string(),
  file_unique_id: z.string().optional(),
  file_size: z.number().optional(),
  file_path: z.string().min(1).optional(),
});

export interface DownloadedFile {
  bytes: Uint8Array;
  /** Telegram's path of the file (it "may not preserve the original file name and MIME type": keep the message's). */
  filePath: string;
  fileSize: number;
}

/**
 * getFile, then the download from `/file/bot<token>/<file_path>`, capped at `maxBytes`
 * (→ PAYLOAD_TOO_LARGE). The download URL carries the token: it never appears in an error.
 */
export async function downloadFile(
  api: BotApiClient,
  options: { baseUrl: string; token: string; timeoutMs: number },
  fileId: string,
  maxBytes = TELEGRAM_DOWNLOAD_MAX_BYTES,
): Promise<DownloadedFile> {
  const file = await api.call('getFile', { file_id: fileId }, File.loose());
  if (!file.file_path) {
    throw new SwitchboardError('NOT_FOUND', `Telegram has no downloadable path for file ${fileId}`);
  }
  if (file.file_size !== undefined && file.file_size > maxBytes) {
    throw new SwitchboardError(
      'PAYLOAD_TOO_LARGE',
      `file ${fileId} is ${file.file_size} bytes, the cap is ${maxBytes}`,
    );
  }
  let response: { status: number; data: ArrayBuffer };
  try {
    response = await axios.get(`${options.baseUrl}/file/bot${options.token}/${file.file_path}`, {
      responseType: 'arraybuffer',
      timeout: options.timeoutMs,
      maxContentLength: maxBytes,
      validateStatus: () => true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(String((error as Error).message))) {
      throw new SwitchboardError('PAYLOAD_TOO_LARGE', `file ${fileId} is larger than ${maxBytes} bytes`);
    }
    throw new SwitchboardError('TEMPORARY', `Telegram file download failed (${code ?? 'network error'})`);
  }
  if (response.status !== 200) {
    throw new SwitchboardError(
      response.status >= 500 ? 'TEMPORARY' : 'NOT_FOUND',
      `Telegram file download answered HTTP ${response.status}`,
      { platform: { httpStatus: response.status } },
    );
  }
  const bytes = new Uint8Array(response.data);
  return { bytes, filePath: file.file_path, fileSize: bytes.byteLength };
}
