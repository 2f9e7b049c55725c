//! Which iframe is an Agent Desktop repeater, which tenant origin it belongs to, and whether
//! that origin is trusted. Pure string logic; the glue passes absolute URLs (`iframe.src`).

use super::CoreError;

/// The path of the Agent Desktop page a CRM embeds.
pub const REPEATER_PATH: &str = "/agentdesktop/UniversalRepeater.jsp";
/// The path of the SDK's hidden message endpoint on the same tenant.
pub const PROXY_PATH: &str = "/agentdesktop/AgentDesktopSdkProxy.jsp";
/// Agent Desktop 2.0: the Communicator Widget a CRM embeds (the UI frame, or `no-ui/` when
/// the page runs the widget without one), and its hidden message endpoint.
pub const WIDGET_PREFIX: &str = "/agent/crmembedded/";
pub const WIDGET_PROXY_PATH: &str = "/agent/crmembedded/adapters/api-proxy.html";
/// The first Communicator Widget (2020): one frame that is both UI and endpoint.
pub const COMMUNICATOR_PREFIX: &str = "/agent/communicator/";
/// Tenant hosts under this domain are trusted without asking (over https, on the default port
/// only), unless the organisation's policy turns that rule off.
pub const TRUSTED_DOMAIN: &str = ".brightpattern.com";

/// An origin split into its parts: `scheme://host[:port]`, lower-case, default port dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl Origin {
    /// Parses an absolute http(s) URL or a bare origin. Rejects user-info, other schemes and
    /// malformed ports.
    pub fn parse(url: &str) -> Result<Origin, CoreError> {
        let bad = || CoreError::BadOrigin(url.chars().take(200).collect());
        let (scheme, rest) = super::split_str(url, "://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.bytes().any(|b| b == b'@' || b == b'\\') {
            return Err(bad());
        }
        // An IPv6 literal keeps its brackets; the port follows the closing one.
        let (host, port) = if authority.starts_with('[') {
            let end = authority.find(']').ok_or_else(bad)?;
            let (h, p) = authority.split_at_checked(end + 1).ok_or_else(bad)?;
            let inner = h.get(1..end).ok_or_else(bad)?;
            if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return Err(bad());
            }
            match p {
                "" => (h, None),
                _ => (h, Some(p.strip_prefix(':').ok_or_else(bad)?)),
            }
        } else {
            let (h, p) = match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            if h.is_empty() || !h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) {
                return Err(bad());
            }
            (h, p)
        };
        let port = match port {
            None | Some("") => None,
            Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse::<u16>().map_err(|_| bad())?),
            Some(_) => return Err(bad()),
        };
        let default = if scheme == "https" { 443 } else { 80 };
        Ok(Origin {
            scheme,
            host: host.to_ascii_lowercase(),
            port: port.filter(|p| *p != default),
        })
    }

    /// The serialised origin, exactly as `MessageEvent.origin` reports it.
    pub fn serialize(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{}", self.scheme, self.host, p),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    pub fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host == "127.0.0.1" || self.host == "[::1]"
    }
}

/// The tenant origin of a repeater iframe, or `None` if `src` is not a repeater URL.
/// The path must be exactly [`REPEATER_PATH`]; query and fragment are ignored.
pub fn repeater_origin(src: &str) -> Option<String> {
    let origin = Origin::parse(src).ok()?;
    let after_scheme = super::split_str(src, "://")?.1;
    let path_start = after_scheme.find('/')?;
    let path = after_scheme.get(path_start..)?.split(['?', '#']).next()?;
    (path == REPEATER_PATH).then(|| origin.serialize())
}

/// The URL of our own proxy frame on a tenant.
pub fn proxy_url(origin: &str) -> String {
    format!("{origin}{PROXY_PATH}")
}

/// Which Agent Desktop a frame belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desktop {
    /// Agent Desktop 1.0: `UniversalRepeater.jsp`, JSON strings through `AgentDesktopSdkProxy.jsp`.
    Legacy,
    /// Agent Desktop 2.0's Communicator Widget (`/agent/crmembedded/`): packets through
    /// `adapters/api-proxy.html`.
    Widget,
    /// The first Communicator Widget (`/agent/communicator/`): no endpoint of its own beside
    /// the page adapter's; not reachable without taking the page's handshake over.
    Communicator,
}

impl Desktop {
    /// The URL of our own proxy frame for this desktop on `origin`, if it has one.
    pub fn proxy_url(self, origin: &str) -> Option<String> {
        match self {
            Desktop::Legacy => Some(proxy_url(origin)),
            Desktop::Widget => Some(format!("{origin}{WIDGET_PROXY_PATH}")),
            Desktop::Communicator => None,
        }
    }

    /// Packets are structured-clone objects (2.0), not JSON strings (1.0).
    pub fn objects(self) -> bool {
        self != Desktop::Legacy
    }
}

/// The tenant origin and the desktop of a frame whose URL is an embedded Agent Desktop: the
/// 1.0 repeater (exact path), or a 2.0 widget frame (`/agent/crmembedded/…` or
/// `/agent/communicator/…`, with the slash, so `/agentdesktop/` stays 1.0). A widget's own
/// adapter frames (`…/adapters/`, the page adapter's `api-proxy.html`) are not the desktop.
pub fn desktop_of(src: &str) -> Option<(String, Desktop)> {
    let origin = Origin::parse(src).ok()?;
    let after_scheme = super::split_str(src, "://")?.1;
    let path_start = after_scheme.find('/')?;
    let path = after_scheme.get(path_start..)?.split(['?', '#']).next()?;
    let desktop = if path == REPEATER_PATH {
        Desktop::Legacy
    } else {
        let (prefix, desktop) = [(WIDGET_PREFIX, Desktop::Widget), (COMMUNICATOR_PREFIX, Desktop::Communicator)].into_iter().find(|(p, _)| path.starts_with(p))?;
        let rest = path.get(prefix.len()..)?;
        // Dot segments or encoded slashes would let a URL name another path than it shows.
        if rest.starts_with("adapters/") || rest.split('/').any(|seg| seg == "." || seg == "..") || path.contains('%') {
            return None;
        }
        desktop
    };
    Some((origin.serialize(), desktop))
}

/// How the extension stands towards a tenant origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Trusted: by the built-in rule or by the agent's (or admin's) list.
    Trusted,
    /// Not trusted yet; the agent may trust it with one click.
    Askable,
    /// Can never be trusted: plain http to a non-loopback host would expose the call's data.
    Refused,
    /// Not decided yet: the stored list is still being read. Nothing is sent meanwhile.
    Pending,
    /// Not on the organisation's list, and the organisation has turned the Trust prompt off.
    NotListed,
}

/// The built-in rule: `https://<name>.brightpattern.com` on the default port. Any other port
/// (a test or self-hosted service on the same domain) is left to the lists.
pub fn builtin_trusted(o: &Origin) -> bool {
    o.scheme == "https" && o.port.is_none() && o.host.ends_with(TRUSTED_DOMAIN) && o.host.len() > TRUSTED_DOMAIN.len()
}

/// Decides trust for `origin` given the user's list of trusted origins, with the built-in rule.
pub fn trust_of(origin: &str, user_trusted: &[String]) -> Trust {
    trust_with(origin, user_trusted, true)
}

/// Decides trust for `origin` given a list of trusted origins; `builtin` says whether the
/// built-in rule applies (an organisation's policy can turn it off).
pub fn trust_with(origin: &str, user_trusted: &[String], builtin: bool) -> Trust {
    let Ok(o) = Origin::parse(origin) else { return Trust::Refused };
    let canonical = o.serialize();
    if builtin && builtin_trusted(&o) {
        return Trust::Trusted;
    }
    if o.scheme == "http" && !o.is_loopback() {
        return Trust::Refused;
    }
    if user_trusted.contains(&canonical) {
        Trust::Trusted
    } else {
        Trust::Askable
    }
}

/// Decides trust under the settings in force: the built-in rule (unless `builtin` is off), then
/// the organisation's list (`policy_tenants`), then the agent's own list, which counts only
/// while the Trust prompt is allowed; an origin none of them trusts is askable, or `NotListed`
/// when the prompt is off.
pub fn trust_under(origin: &str, user_trusted: &[String], policy_tenants: &[String], prompt: bool, builtin: bool) -> Trust {
    match trust_with(origin, policy_tenants, builtin) {
        Trust::Askable if prompt => trust_with(origin, user_trusted, false),
        Trust::Askable => Trust::NotListed,
        t => t,
    }
}
