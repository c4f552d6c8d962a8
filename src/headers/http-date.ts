import { HeaderParseError } from "./header-parse-error.ts";

/**
 * The one HTTP-date parser (RFC 9110 5.6.7), for Date, Expires, Last-Modified and Retry-After: IMF-fixdate, and the
 * obsolete RFC 850 and asctime forms a recipient must accept. Epoch ms, or a HeaderParseError naming the header.
 */
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)";
// RFC 9110 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

export function httpDate(header: string, raw: string): number {
  const at = knownDates.get(raw);
  return at !== undefined ? at : readDate(header, raw);
}

// One value per second of ESI's clock: most responses of a busy client repeat one already read.
const knownDates = new Map<string, number>();

function readDate(header: string, raw: string): number {
  const text = raw.trim();
  if (IMF_FIXDATE.test(text) || RFC_850.test(text) || ASCTIME.test(text)) {
    // asctime has no zone and means GMT; Date.parse would read it as local time.
    const at = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
    if (Number.isFinite(at)) {
      if (knownDates.size >= 512) knownDates.clear();
      knownDates.set(raw, at);
      return at;
    }
  }
  throw new HeaderParseError(header, raw, 'an HTTP-date such as "Sun, 06 Nov 1994 08:49:37 GMT"');
}

