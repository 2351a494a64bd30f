//! The smallest program Linux can exec: a static ELF whose only instructions are `exit(0)`.
//!
//! `/bin/true` spends most of its short life in the dynamic loader (on this project's VM,
//! glibc's CPU-feature probing traps to the hypervisor on every `cpuid`), which hides the cost
//! of the spawn itself in throughput numbers. Spawning this file instead shows the spawning
//! machinery's own throughput.

use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Where the one loadable segment goes.
const BASE: u64 = 0x40_0000;
/// ELF header + one program header.
const HEADERS: u64 = 64 + 56;

#[cfg(target_arch = "x86_64")]
const MACHINE: u16 = 62; // EM_X86_64
#[cfg(target_arch = "x86_64")]
const CODE: &[u8] = &[
    0xb8, 0x3c, 0x00, 0x00, 0x00, // mov eax, 60 (exit)
    0x31, 0xff, //                   xor edi, edi
    0x0f, 0x05, //                   syscall
];

#[cfg(target_arch = "aarch64")]
const MACHINE: u16 = 183; // EM_AARCH64
#[cfg(target_arch = "aarch64")]
const CODE: &[u8] = &[
    0x00, 0x00, 0x80, 0xd2, // mov x0, #0
    0xa8, 0x0b, 0x80, 0xd2, // mov x8, #93 (exit)
    0x01, 0x00, 0x00, 0xd4, // svc #0
];

/// The file's bytes: ELF header, one `PT_LOAD` program header covering the whole file, code.
pub fn elf_bytes() -> Vec<u8> {
    let size = HEADERS + CODE.len() as u64;
    let mut b = Vec::with_capacity(size as usize);
    b.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0]); // 64-bit, little-endian, v1
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&2u16.to_le_bytes()); // e_type: ET_EXEC
    b.extend_from_slice(&MACHINE.to_le_bytes());
    b.extend_from_slice(&1u32.to_le_bytes()); // e_version
    b.extend_from_slice(&(BASE + HEADERS).to_le_bytes()); // e_entry: the code
    b.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    b.extend_from_slice(&0u64.to_le_bytes()); // e_shoff: no sections
    b.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    for half in [64u16, 56, 1, 64, 0, 0] {
        // e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
        b.extend_from_slice(&half.to_le_bytes());
    }
    b.extend_from_slice(&1u32.to_le_bytes()); // p_type: PT_LOAD
    b.extend_from_slice(&5u32.to_le_bytes()); // p_flags: R + X
    for word in [0, BASE, BASE, size, size, 0x1000] {
        // p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        b.extend_from_slice(&word.to_le_bytes());
    }
    b.extend_from_slice(CODE);
    debug_assert_eq!(b.len() as u64, size);
    b
}

/// The tiny program written to a file (mode 0755) that is removed on drop.
pub struct TinyExe {
    path: PathBuf,
    c_path: CString,
}

impl TinyExe {
    /// Writes the program into `dir` under a name unique to this process.
    ///
    /// The file is written by a `cat` child, not by this process: a file open for writing
    /// cannot be exec'd (`ETXTBSY`), and any child another thread clones while *we* hold it
    /// open would keep a copy of that fd until its own exec. `cat`'s fd never enters our table.
    pub fn create_in(dir: &Path) -> std::io::Result<Self> {
        let path = dir.join(format!("aspawn-bench-exit0-{}", std::process::id()));
        let mut writer = std::process::Command::new("/bin/sh")
            .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
            .arg(&path)
            .stdin(std::process::Stdio::piped())
            .spawn()?;
        let mut stdin = writer.stdin.take().expect("stdin is piped");
        stdin.write_all(&elf_bytes())?;
        drop(stdin);
        let status = writer.wait()?;
        if !status.success() {
            return Err(std::io::Error::other(format!("writing {}: {status}", path.display())));
        }
        let c_path = CString::new(path.as_os_str().as_bytes()).expect("temp paths have no NUL");
        Ok(TinyExe { path, c_path })
    }

    /// Writes it into the system's temporary directory.
    pub fn create() -> std::io::Result<Self> {
        Self::create_in(&std::env::temp_dir())
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its path as a C string.
    pub fn c_path(&self) -> &std::ffi::CStr {
        &self.c_path
    }
}

impl Drop for TinyExe {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
