//! Request ids for GET_STATE and the table of requests awaiting a reply.
//!
//! The page's own `servicepattern-sdk-v1.js` numbers its requests "0", "1", "2"… and routes
//! every tenant-origin reply by `"#" + request_id`, whoever asked. Our ids start at
//! 1,000,000,000 plus a per-page random offset, so its callbacks can never fire on our replies.

/// Our ids never go below this.
pub const FIRST_ID: u64 = 1_000_000_000;

/// A source of request ids that cannot collide with the page SDK's counter.
#[derive(Debug, Clone)]
pub struct RequestIds {
    first: u64,
    next: u64,
}

impl RequestIds {
    /// `seed` spreads instances apart (a random number in the glue, a constant in tests).
    pub fn new(seed: u32) -> Self {
        let first = FIRST_ID + u64::from(seed % 1_000_000) * 1_000;
        RequestIds { first, next: first }
    }

    /// Whether `id` is one this source handed out (a reply to another client's request, which
    /// a desktop may deliver to every proxy of the page, is not).
    pub fn issued(&self, id: &str) -> bool {
        id.parse::<u64>().is_ok_and(|n| (self.first..self.next).contains(&n))
    }

    /// The next id, as the decimal string the wire carries.
    pub fn next_id(&mut self) -> String {
        let id = self.next;
        self.next += 1;
        id.to_string()
    }
}

/// Why a GET_STATE was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The agent pressed Get State.
    Agent,
    /// The toolbar asked by itself (channel opened, agent logged in, …).
    Auto,
}

/// A GET_STATE awaiting its reply.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRequest {
    pub id: String,
    pub origin: Origin,
    pub sent_at: f64,
    pub deadline: f64,
}

/// Requests awaiting replies, matched by id, expired by time.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    entries: Vec<PendingRequest>,
}

impl Pending {
    pub fn insert(&mut self, req: PendingRequest) {
        self.entries.push(req);
    }

    /// Removes and returns the request with this id, if we sent it and it has not expired.
    pub fn take(&mut self, id: &str) -> Option<PendingRequest> {
        let at = self.entries.iter().position(|r| r.id == id)?;
        Some(self.entries.remove(at))
    }

    /// Removes and returns every request whose deadline is at or before `now`.
    pub fn expire(&mut self, now: f64) -> Vec<PendingRequest> {
        let (gone, keep) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|r| r.deadline <= now);
        self.entries = keep;
        gone
    }

    pub fn any(&self, origin: Origin) -> bool {
        self.entries.iter().any(|r| r.origin == origin)
    }

    /// Forgets the requests of one origin (their late replies are still recognised by id).
    pub fn forget(&mut self, origin: Origin) {
        self.entries.retain(|r| r.origin != origin);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn earliest_deadline(&self) -> Option<f64> {
        self.entries.iter().map(|r| r.deadline).reduce(f64::min)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
