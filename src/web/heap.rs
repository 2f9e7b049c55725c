//! The content module's allocator: one free list per power-of-two size class over memory the
//! module grows itself.
//!
//! The toolbar's heap is small and its allocations repeat (message text, the view, log
//! entries): dlmalloc's general-purpose machinery was about 8 KB of the content module, this
//! is well under 1 KB. A block is never split or merged: a freed block goes to its class's
//! list and is handed out again for the next allocation of that class, so the heap is bounded
//! by the peak of each class (at most twice what is live at that peak). The extension's own
//! pages (a long-lived background) keep the standard allocator.
//!
//! wasm32 without threads: one thread touches the state, so `Sync` holds.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

/// The smallest block, and the alignment of every block handed out by the bump pointer.
const MIN: usize = 16;
/// Classes 16 B, 32 B, … 2 GiB.
const CLASSES: usize = 28;
const PAGE: usize = 65536;

struct State {
    /// Head of each class's free list (0: empty); a free block's first word links the next.
    free: [usize; CLASSES],
    /// The bump pointer and the end of the memory it may use.
    next: usize,
    end: usize,
}

pub struct SizeClasses(UnsafeCell<State>);

// SAFETY: wasm32 without threads has one thread; nothing else reaches the state.
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    pub const fn new() -> Self {
        SizeClasses(UnsafeCell::new(State { free: [0; CLASSES], next: 0, end: 0 }))
    }
}

impl Default for SizeClasses {
    fn default() -> Self {
        Self::new()
    }
}

/// The class of a block that holds `size` bytes aligned to `align`, or `None` past 2 GiB.
fn class(layout: &Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(MIN);
    let c = (usize::BITS - (size - 1).leading_zeros()) as usize - 4;
    (c < CLASSES).then_some(c)
}

/// Grows the memory by at least `bytes`; the start of the new pages, or `None` if the browser
/// refuses.
fn grow(bytes: usize) -> Option<(usize, usize)> {
    let pages = bytes.div_ceil(PAGE);
    let before = core::arch::wasm32::memory_grow(0, pages);
    (before != usize::MAX).then(|| (before * PAGE, pages * PAGE))
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(&layout) else { return core::ptr::null_mut() };
        // SAFETY: one thread (see the type), and no allocation happens while this borrow lives.
        let st = unsafe { &mut *self.0.get() };
        let align = layout.align();
        let head = st.free[c];
        // Blocks on a list are 16-aligned (more only by chance): reused for the usual alignments.
        if head != 0 && align <= MIN {
            // SAFETY: `head` is a free block of this class; its first word links the next one.
            st.free[c] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let size = MIN << c;
        let fit = |next: usize| {
            let start = next.checked_add(align - 1)? & !(align - 1);
            Some((start, start.checked_add(size)?))
        };
        let (start, stop) = match fit(st.next) {
            Some((start, stop)) if stop <= st.end => (start, stop),
            _ => {
                let Some((base, added)) = size.checked_add(align).and_then(grow) else {
                    return core::ptr::null_mut();
                };
                if base != st.end {
                    // Not contiguous with what we had (the first use): start at the new pages.
                    st.next = base;
                }
                st.end = base + added;
                match fit(st.next) {
                    Some(fits) => fits,
                    None => return core::ptr::null_mut(),
                }
            }
        };
        st.next = stop;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(c) = class(&layout) else { return };
        // SAFETY: as in `alloc`; `ptr` came from `alloc` with this layout, so it is a block of
        // class `c` (at least 16 bytes, aligned for a word) that nothing uses any more.
        let st = unsafe { &mut *self.0.get() };
        unsafe { *(ptr as *mut usize) = st.free[c] };
        st.free[c] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (all of it): the caller's contract of `GlobalAlloc::realloc`.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(&new).is_some() && class(&new) == class(&layout) {
            return ptr; // the block already holds it
        }
        let out = unsafe { self.alloc(new) };
        if !out.is_null() {
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, out, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        out
    }
}
