// The first screen: what the app is for, sign up or sign in, and the language.
import { paintChrome } from "../chrome.js";
import { h, render, telLink } from "../dom.js";
import { field, select } from "../forms.js";
import { _, locale, setLocale } from "../i18n.js";
import { dispatch, go } from "../router.js";
import { state } from "../state.js";

export function welcomeView() {
  if (state.user) return go("/trips");
  const hotline = state.config.hotline;
  render(h("section", { class: "welcome" },
    h("img", { src: "/icons/icon-192.png", alt: "", width: 96, height: 96, class: "emblem" }),
    h("h1", {}, _("Help from home, wherever you travel")),
    h("p", { class: "lead" }, _("Register your trips so your embassy can reach you in a crisis, get safety alerts for where you are, and call for help by holding the SOS button, even offline.")),
    h("div", { class: "actions stacked" },
      h("a", { href: "#/signup", class: "button primary" }, _("Create an account")),
      h("a", { href: "#/login", class: "button" }, _("Sign in"))),
    languagePicker(),
    hotline ? h("p", { class: "hotline" }, _("Consular hotline, day and night:"), " ",
                telLink(hotline, state.config.hotline_display)) : null));
}

/** Choose the language before signing in; the choice is kept on this device. */
export function languagePicker() {
  const languages = state.config.languages.map((lang) => [lang.code, lang.name]);
  const control = select(languages, locale(), {
    onchange: async (event) => {
      await setLocale(event.target.value);
      paintChrome();
      dispatch();
    },
  });
  return h("div", { class: "language-picker" }, field(_("Language"), control));
}
