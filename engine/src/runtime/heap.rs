//! The allocator of every QuickJS runtime: Rust's global allocator (rquickjs's own
//! [`RustAllocator`]) with a running count of the bytes it holds, so a run's memory is read
//! from a counter. `JS_ComputeMemoryUsage`, which answered it before, walks every object,
//! shape, atom and function of the heap: it was the worker's largest entry in the profile
//! (4.4 % of all CPU of a warm invocation on disk, about a quarter of the worker's).
//!
//! QuickJS keeps its own count for its memory limit; this one only replaces the walk.

use rquickjs::allocator::{Allocator, RustAllocator};
use std::cell::Cell;
use std::rc::Rc;

/// The bytes a runtime's allocator holds now; the runtime's [`Counting`] allocator keeps it.
#[derive(Debug, Clone, Default)]
pub(super) struct InUse(Rc<Cell<u64>>);

impl InUse {
    pub(super) fn bytes(&self) -> u64 {
        self.0.get()
    }

    fn add(&self, bytes: usize) {
        self.0.set(self.0.get().saturating_add(bytes as u64));
    }

    fn sub(&self, bytes: usize) {
        self.0.set(self.0.get().saturating_sub(bytes as u64));
    }
}

/// [`RustAllocator`], counting what it holds into an [`InUse`].
pub(super) struct Counting {
    in_use: InUse,
}

impl Counting {
    /// An allocator counting into `in_use`.
    pub(super) fn new(in_use: InUse) -> Self {
        Self { in_use }
    }

    fn counted(&self, ptr: *mut u8) -> *mut u8 {
        if !ptr.is_null() {
            // SAFETY: `ptr` is a live allocation RustAllocator just made.
            self.in_use.add(unsafe { RustAllocator::usable_size(ptr) });
        }
        ptr
    }
}

// SAFETY: every pointer comes from RustAllocator, which upholds the trait's contract; the
// count only reads the size RustAllocator stored beside each allocation.
unsafe impl Allocator for Counting {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        let ptr = RustAllocator.alloc(size);
        self.counted(ptr)
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        // RustAllocator answers null (out of memory, to QuickJS) for zero bytes, which libc's
        // calloc, QuickJS's default, does not: a one-byte zeroed allocation instead.
        let (count, size) = match count == 0 || size == 0 {
            true => (1, 1),
            false => (count, size),
        };
        let ptr = RustAllocator.calloc(count, size);
        self.counted(ptr)
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        // SAFETY (both calls): the caller passes a live allocation of this allocator, that is
        // of RustAllocator.
        self.in_use.sub(unsafe { RustAllocator::usable_size(ptr) });
        unsafe { RustAllocator.dealloc(ptr) }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.alloc(new_size);
        }
        // SAFETY: as in `dealloc`.
        let before = unsafe { RustAllocator::usable_size(ptr) };
        // SAFETY: as in `dealloc`.
        let moved = unsafe { RustAllocator.realloc(ptr, new_size) };
        // A failed realloc leaves the old allocation in place, still counted.
        if !moved.is_null() {
            self.in_use.sub(before);
            self.counted(moved);
        }
        moved
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: the caller passes a live allocation of RustAllocator.
        unsafe { RustAllocator::usable_size(ptr) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rquickjs::{Context, Runtime};

    #[test]
    fn the_count_follows_what_the_heap_holds_and_what_it_gives_back() {
        let in_use = InUse::default();
        let rt = Runtime::new_with_alloc(Counting::new(in_use.clone())).unwrap();
        let context = Context::full(&rt).unwrap();
        let empty = in_use.bytes();
        assert!(empty > 0, "a context holds its built-ins");
        let quickjs = || rt.memory_usage().malloc_size as u64;
        let quickjs_empty = quickjs();
        context.with(|ctx| {
            ctx.eval::<(), _>("globalThis.big = new Array(100000).fill(1.5);")
                .unwrap()
        });
        let full = in_use.bytes();
        assert!(full > empty + 800_000, "{empty} → {full}");
        // It grows as QuickJS's own count does (which adds its per-allocation overhead).
        let (ours, theirs) = (full - empty, quickjs() - quickjs_empty);
        assert!(ours.abs_diff(theirs) * 20 < theirs, "{ours} vs {theirs}");
        context.with(|ctx| ctx.eval::<(), _>("globalThis.big = null;").unwrap());
        rt.run_gc();
        assert!(
            in_use.bytes() < empty + 100_000,
            "{empty} → {}",
            in_use.bytes()
        );
    }
}
