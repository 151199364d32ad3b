import { afterAll, beforeAll } from 'vitest';
import { startApp, type AppSession } from './browser';

/**
 * The built app in headless Chromium for one test file: started before its tests, closed after.
 * The session is read when a test uses it (a Proxy), so `const app = useApp()` can sit at the top.
 */
export function useApp(options: Parameters<typeof startApp>[0] = {}): AppSession {
  let session: AppSession | undefined;
  beforeAll(async () => {
    session = await startApp(options);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });
  return new Proxy({} as AppSession, {
    get(_, key) {
      if (!session) throw new Error('the app did not start (see the beforeAll error)');
      return Reflect.get(session, key);
    },
  });
}
