import { DoorLimits } from '../../shared/door.js';

const storageKey = 'admit-door-device';
/** What a phone is called until its volunteer names it. */
export const defaultDeviceName = 'Phone';

/** The name this device was given at the door before, or the default. */
export function readDeviceName(): string {
  try {
    return window.localStorage.getItem(storageKey)?.slice(0, DoorLimits.deviceNameMax) || defaultDeviceName;
  } catch {
    return defaultDeviceName;
  }
}

/** Keeps the device's name on the device, for the next door link it opens. */
export function saveDeviceName(name: string): void {
  try {
    window.localStorage.setItem(storageKey, name);
  } catch {
    // Private mode or storage full: the name is simply asked again next time.
  }
}

/** The secret of a door link from the page's fragment (`/door#<secret>`), or null when there is none. */
export function secretFromHash(hash: string): string | null {
  let secret = hash.startsWith('#') ? hash.slice(1) : hash;
  try {
    secret = decodeURIComponent(secret);
  } catch {
    return null;
  }
  secret = secret.trim();
  return secret && secret.length <= 200 ? secret : null;
}
