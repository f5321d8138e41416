// What stays on this device: drafts of unsaved forms and local preferences (IndexedDB via idb).
import { openDB } from "../vendor/idb.js";
import { API_CACHE } from "./outbox.js";

const dbPromise = openDB("compatriot", 1, {
  upgrade(db) {
    db.createObjectStore("drafts");
    db.createObjectStore("prefs");
  },
});

export async function saveDraft(key, value) {
  return (await dbPromise).put("drafts", value, key);
}

export async function loadDraft(key) {
  return (await dbPromise).get("drafts", key);
}

export async function dropDraft(key) {
  return (await dbPromise).delete("drafts", key);
}

export async function getPref(key, fallback) {
  const value = await (await dbPromise).get("prefs", key);
  return value === undefined ? fallback : value;
}

export async function setPref(key, value) {
  return (await dbPromise).put("prefs", value, key);
}

/** Forget everything this device holds for the signed-in person (sign-out, account deletion). */
export async function forgetAll() {
  const db = await dbPromise;
  await Promise.all([db.clear("drafts"), db.clear("prefs")]);
  if ("caches" in window) await caches.delete(API_CACHE);
}
