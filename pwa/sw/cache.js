/* What the app caches and under which names: pure data and functions, no events here. */
/* exported CACHE_PREFIX, API_CACHE, shellCacheName, staleCaches */
/* global CompatriotShared */

const CACHE_PREFIX = "compatriot-shell-";
const API_CACHE = CompatriotShared.API_CACHE;

function shellCacheName(version) {
  return CACHE_PREFIX + version;
}

/** The app's shell caches other than the current one: safe to delete on activate. */
function staleCaches(names, version) {
  const current = shellCacheName(version);
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current);
}
