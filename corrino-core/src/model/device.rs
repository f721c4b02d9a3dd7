//! The memory one vLLM worker sees: a whole GPU, or a MIG slice of one.
//!
//! vLLM budgets `total × --gpu-memory-utilization`, where `total` is what the CUDA (or ROCm) runtime reports for
//! the device, a little less than the datasheet figure the shape catalog holds (driver and ECC reservations).
//! Where a published runtime figure was found it is used; otherwise the datasheet figure is scaled by the A10's
//! observed ratio, and marked as an estimate.

use serde::{Deserialize, Serialize};

use crate::shape::{Gpus, Shape};

/// One GiB, in bytes.
pub const GIB: u64 = 1 << 30;

/// The memory of the device one worker runs on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Device {
    /// What it is: `A10`, or `H100 MIG 1g.20gb`.
    pub name: String,
    /// Bytes the runtime reports as the device's total.
    pub memory_bytes: u64,
    /// Where the figure comes from.
    pub source: String,
    /// Whether the figure is an estimate rather than a published runtime reading.
    pub estimate: bool,
}

/// Runtime-reported totals, in hundredths of a GiB, by GPU model (and datasheet memory, where a model comes in
/// two sizes). `true` marks published readings.
fn runtime_total(model: &str, datasheet_gb: u32) -> Option<(u64, bool, &'static str)> {
    Some(match (model.to_ascii_uppercase().as_str(), datasheet_gb) {
        // PyTorch's out-of-memory message on an A10 reports "a total capacity of 22.18 GiB" (nvidia-smi shows
        // 23028 MiB, of which the runtime keeps some).
        ("A10", _) => (
            2218,
            true,
            "PyTorch's reported capacity of an A10 (22.18 GiB)",
        ),
        // vLLM's own memory-profiling log for Meta-Llama-3-8B on an 80 GB GPU: "total_gpu_memory 79.22GiB".
        ("H100", _) => (
            7922,
            true,
            "vLLM's memory-profiling log on an 80 GB GPU (79.22 GiB)",
        ),
        ("A100", 80) => (
            7922,
            false,
            "taken equal to the 80 GB GPU of vLLM's profiling log (79.22 GiB)",
        ),
        _ => return None,
    })
}

/// The runtime-visible memory of one GPU of `gpus`, with its source, and whether it is an estimate.
#[must_use]
pub fn gpu_memory(gpus: &Gpus) -> (u64, String, bool) {
    if let Some((centi_gib, published, source)) = runtime_total(&gpus.model, gpus.memory_gb) {
        return (centi_gib * GIB / 100, source.to_owned(), !published);
    }
    // The A10's datasheet says 24 GB and its runtime reports 22.18 GiB: 92.4 % of the datasheet figure read as
    // GiB. Other GPUs are scaled the same way; HBM GPUs lose less in practice, so this errs on the safe side.
    let bytes = u128::from(gpus.memory_gb) * u128::from(GIB) * 2218 / 2400;
    let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
    (
        bytes,
        format!(
            "{} GB datasheet figure scaled as an A10's runtime total (an estimate)",
            gpus.memory_gb
        ),
        true,
    )
}

/// The memory size a MIG profile's name states (`1g.20gb` → 20), in GB.
fn mig_profile_gb(profile: &str) -> Option<u32> {
    let (_, size) = profile.split_once('.')?;
    size.strip_suffix("gb")?.parse().ok()
}

/// The device one worker of `shape` runs on: the shape's GPU, or the MIG slice `mig` of it. `None` for CPU shapes
/// and MIG profiles the shape does not offer (validation reports those).
#[must_use]
pub fn device(shape: &Shape, mig: Option<&str>) -> Option<Device> {
    let gpus = shape.gpus.as_ref()?;
    let (bytes, source, estimate) = gpu_memory(gpus);
    match mig {
        None => Some(Device {
            name: gpus.model.to_string(),
            memory_bytes: bytes,
            source,
            estimate,
        }),
        Some(profile) => {
            shape.mig_profile(profile)?;
            let slice_gb = mig_profile_gb(profile)?;
            if gpus.memory_gb == 0 {
                return None;
            }
            // A slice holds its share of the GPU's memory, as its name says (`1g.20gb` of an 80 GB H100 is a
            // quarter); the runtime's reservations are taken in the same proportion. An estimate.
            let slice = u128::from(bytes) * u128::from(slice_gb) / u128::from(gpus.memory_gb);
            Some(Device {
                name: format!("{} MIG {profile}", gpus.model),
                memory_bytes: u64::try_from(slice).unwrap_or(u64::MAX),
                source: format!(
                    "{slice_gb}/{} of the GPU's memory, as the profile's name says (an estimate)",
                    gpus.memory_gb
                ),
                estimate: true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::ShapeCatalog;

    #[test]
    fn a10_and_h100_use_published_runtime_totals() {
        let catalog = ShapeCatalog::builtin();
        let a10 = device(catalog.get("VM.GPU.A10.1").unwrap(), None).unwrap();
        assert_eq!(a10.memory_bytes, 2218 * GIB / 100);
        assert!(!a10.estimate);
        let h100 = device(catalog.get("BM.GPU.H100.8").unwrap(), None).unwrap();
        assert_eq!(h100.memory_bytes, 7922 * GIB / 100);
    }

    #[test]
    fn mig_slices_hold_their_share() {
        let catalog = ShapeCatalog::builtin();
        let h100 = catalog.get("BM.GPU.H100.8").unwrap();
        let slice = device(h100, Some("1g.20gb")).unwrap();
        assert_eq!(slice.memory_bytes, 7922 * GIB / 100 / 4);
        assert_eq!(slice.name, "H100 MIG 1g.20gb");
        assert!(device(h100, Some("9g.99gb")).is_none());
        assert!(device(catalog.get("VM.Standard.E4.Flex").unwrap(), None).is_none());
    }

    #[test]
    fn other_gpus_are_estimated_below_their_datasheet() {
        let catalog = ShapeCatalog::builtin();
        let mi300x = device(catalog.get("BM.GPU.MI300X.8").unwrap(), None).unwrap();
        assert!(mi300x.estimate);
        assert!(mi300x.memory_bytes < 192 * GIB && mi300x.memory_bytes > 170 * GIB);
    }
}
