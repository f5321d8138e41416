// Talks to the JSON API: same-origin cookies, the CSRF header on writes, one error shape.
import { languageTag } from "./i18n.js";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** An API error: `message` for the top of a form, `fields` maps "legs.0.country" to messages. */
export class ApiError extends Error {
  constructor(status, body, offline = false) {
    super((body && body.message) || String(status));
    this.status = status;
    this.offline = offline;
    this.body = body || {};
    this.fields = flattenErrors((body && body.errors && body.errors.json) || {});
  }
}

/** {legs: {"0": {country: ["..."]}}} -> {"legs.0.country": ["..."]}. */
export function flattenErrors(tree, prefix = "", out = {}) {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? prefix + "." + key : key;
    if (typeof value === "string") {
      out[path] = [value];  // some server validators give one message, not a list
    } else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      out[path] = value;
    } else if (value && typeof value === "object") {
      flattenErrors(value, path, out);
    }
  }
  return out;
}

export function cookie(name) {
  const prefix = name + "=";
  const found = document.cookie.split("; ").find((part) => part.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

const listeners = new Set();
/**
 * Be told whether the last request reached the server (false: offline or served from cache);
 * the second argument says whether it was a background request (see `api`).
 */
export function onConnectivity(listener) {
  listeners.add(listener);
}
function report(online, background) {
  for (const listener of listeners) listener(online, background);
}

/**
 * Call the API; resolves with the JSON body (null for 204), rejects with an ApiError.
 * `background`: polling, not a person's action; the server does not count it as activity
 * (a staff session still ends after its idle time while a screen polls).
 */
export async function api(method, path, body, { background = false } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": languageTag() };
  if (background) headers["X-Compatriot-Background"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (WRITES.has(method)) {
    const token = cookie("csrf_token");
    if (token) headers["X-CSRFToken"] = token;
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    report(false, background);
    throw new ApiError(0, null, true);
  }
  report(!response.headers.get("X-Compatriot-From-Cache"), background);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => api("GET", path);
/** A GET made by polling: see `api`'s `background`. */
export const getInBackground = (path) => api("GET", path, undefined, { background: true });
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const del = (path, body) => api("DELETE", path, body);
