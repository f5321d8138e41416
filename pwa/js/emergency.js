// Local emergency numbers (police, ambulance, fire: phonenumbers' short-number metadata on the
// server) for where the traveler is, kept on this phone so they show with no connection.
import { get } from "./api.js";
import { h, telLink } from "./dom.js";
import { _ } from "./i18n.js";
import { outbox } from "./outbox.js";

const kept = (key) => outbox.getMeta(key).catch(() => null);

/** The numbers of `query` ("country=FR" or "lat=..&lon=.."), fresh when online, else the
 * copy kept under `key`; null when neither is known. */
async function lookUp(query, key) {
  try {
    const answer = await get("/api/places/emergency-numbers?" + query);
    if (answer.country) await outbox.setMeta(key, answer).catch(() => {});
    return answer.country ? answer : kept(key);
  } catch (error) {
    return kept(key);
  }
}

/** {country, numbers} for a country (a stay), offline too. */
export const emergencyFor = (country) => lookUp("country=" + encodeURIComponent(country),
                                                "emergency:" + country);

/** {country, numbers} where I am: the country at my last position, else my current stay's. */
export async function emergencyHere(fix, stayCountry) {
  if (fix) {
    // Two decimals (about 1 km) is plenty to tell the country.
    const here = await lookUp("lat=" + fix.lat.toFixed(2) + "&lon=" + fix.lon.toFixed(2),
                              "emergency:here");
    if (here) return here;
  }
  return stayCountry ? emergencyFor(stayCountry) : null;
}

/** The numbers as call buttons, or null when none is known. */
export function emergencyButtons(answer, countryName) {
  if (!answer || !answer.numbers.length) return null;
  return h("div", { class: "emergency-numbers", "data-country": answer.country },
    h("p", {}, countryName ? _("Local emergency numbers in {country}:", { country: countryName })
      : _("Local emergency numbers:")),
    h("ul", { class: "emergency-list" }, answer.numbers.map((number) => h("li", {},
      telLink(number, null, "button danger emergency-call")))));
}
