//! `pnnc`, the command-line front of the pnn compiler.
//!
//! Exit codes (also in `docs/cli.md`):
//! - 0: success (warnings may have been printed);
//! - 1: the source has errors, reported as diagnostics;
//! - 2: usage error, unreadable or unwritable file, or invalid run input.

mod output;
mod progress;
mod run;
mod run_quantum;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use pnn::passes::OptLevel;
use pnn::progress::ProgressHandle;
use pnn::{Compilation, CompileError, Compiler, EmitKind, Options};

/// Exit code for a compilation with errors.
const EXIT_DIAGNOSTICS: u8 = 1;
/// Exit code for usage and I/O errors.
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "pnnc",
    version,
    about = "Compiler for physical neural networks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,

    /// Optimization level: 0 is the plain mapping, 2 the default, 3 adds the costly passes.
    #[arg(
        short = 'O',
        long,
        default_value_t = 2,
        value_parser = clap::value_parser!(u8).range(0..=3),
        global = true
    )]
    opt_level: u8,

    /// When to show progress bars on stderr for steps longer than about a second: `auto`
    /// shows them when stderr is a terminal, `always` also in logs and pipes.
    #[arg(long, value_enum, default_value_t = ProgressChoice::Auto, global = true)]
    progress: ProgressChoice,

    /// Log more about each stage to stderr (repeat for more detail).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

#[derive(Subcommand)]
enum Command {
    /// Check a .pnn file and report its diagnostics.
    Check {
        /// The .pnn file.
        file: PathBuf,
    },
    /// Compile a .pnn file and write the requested outputs.
    #[command(
        override_usage = "pnnc build [OPTIONS] <FILE> --emit <KIND[,KIND...]>\n       pnnc build [OPTIONS] <FILE> --report[=<FORMAT>] [--emit <KIND[,KIND...]> -o <DIR>]"
    )]
    Build {
        /// The .pnn file.
        file: PathBuf,
        /// Outputs to produce, comma-separated.
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            required_unless_present = "report"
        )]
        emit: Vec<EmitChoice>,
        /// Print the compile report (hardware counts per network) to stdout, as a table or
        /// as JSON.
        #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "table", require_equals = true)]
        report: Option<ReportFormat>,
        /// Output directory (created if missing) for the --emit outputs. Without it, a
        /// single output file is printed to stdout.
        #[arg(short, long, requires = "emit")]
        output: Option<PathBuf>,
    },
    /// Compile a .pnn file and simulate the compiled network on inputs.
    Run(run::RunArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProgressChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EmitChoice {
    /// Readable dump of the compiled IR.
    Ir,
    /// SAX netlists (JSON) of the optical stages and their Python models.
    Sax,
    /// A standalone NumPy script that runs the compiled network.
    Python,
    /// OpenQASM 2 of each quantum network (up to global phase).
    Qasm2,
    /// OpenQASM 3 of each quantum network (global phase included).
    Qasm3,
}

impl From<EmitChoice> for EmitKind {
    fn from(choice: EmitChoice) -> Self {
        match choice {
            EmitChoice::Ir => EmitKind::Ir,
            EmitChoice::Sax => EmitKind::Sax,
            EmitChoice::Python => EmitKind::Python,
            EmitChoice::Qasm2 => EmitKind::Qasm2,
            EmitChoice::Qasm3 => EmitKind::Qasm3,
        }
    }
}

/// A failure of the command, mapped to an exit code in one place.
enum Failure {
    /// Diagnostics were printed already.
    Diagnostics,
    /// A usage or I/O error with its message.
    Usage(String),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Usage(format!("{error:#}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level)).init();

    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let progress = match cli.progress {
        ProgressChoice::Auto if std::io::stderr().is_terminal() => {
            Some(progress::Drawing::Terminal)
        }
        ProgressChoice::Auto | ProgressChoice::Never => None,
        ProgressChoice::Always => Some(progress::Drawing::Always),
    };
    let settings = Settings {
        color,
        progress,
        opt_level: OptLevel::new(cli.opt_level).expect("clap bounds the level to 0..=3"),
    };
    let result = match &cli.command {
        Command::Check { file } => compile(file, &settings).map(|_| ()),
        Command::Build {
            file,
            emit,
            output,
            report,
        } => build(file, emit, output.as_deref(), *report, &settings),
        Command::Run(args) => run::run(args, &settings),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Diagnostics) => ExitCode::from(EXIT_DIAGNOSTICS),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Settings shared by every command.
struct Settings {
    color: bool,
    /// Destination of the progress bars, or `None` for no bars.
    progress: Option<progress::Drawing>,
    opt_level: OptLevel,
}

impl Settings {
    /// Returns the progress observer for these settings, if they draw bars.
    fn progress(&self) -> Option<ProgressHandle> {
        self.progress
            .map(|drawing| ProgressHandle::new(progress::Bar::new(drawing)))
    }
}

/// Compiles a file, printing its warnings or errors to stderr.
fn compile(file: &std::path::Path, settings: &Settings) -> Result<Compilation, Failure> {
    let color = settings.color;
    let options = Options {
        opt_level: settings.opt_level,
        progress: settings.progress(),
        ..Options::default()
    };
    match Compiler::new(options).compile_path(file) {
        Ok(compilation) => {
            eprint!("{}", compilation.render_warnings(color));
            Ok(compilation)
        }
        Err(CompileError::Diagnostics(failure)) => {
            eprint!("{}", failure.render(color));
            let count = failure.error_count();
            eprintln!(
                "error: could not compile `{}` due to {count} error{}",
                file.display(),
                if count == 1 { "" } else { "s" }
            );
            Err(Failure::Diagnostics)
        }
        Err(error @ CompileError::Io { .. }) => Err(Failure::Usage(error.to_string())),
    }
}

fn build(
    file: &std::path::Path,
    kinds: &[EmitChoice],
    output: Option<&std::path::Path>,
    report: Option<ReportFormat>,
    settings: &Settings,
) -> Result<(), Failure> {
    let compilation = compile(file, settings)?;
    let mut artifacts = Vec::new();
    let mut seen = Vec::new();
    for &kind in kinds {
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        let produced = compilation
            .emit(kind.into())
            .map_err(|error| Failure::Usage(error.to_string()))?;
        artifacts.extend(produced);
    }
    if report.is_some() && output.is_none() && !artifacts.is_empty() {
        return Err(Failure::Usage(
            "--report prints to stdout; pass -o DIR to write the --emit outputs to files".into(),
        ));
    }
    if let Some(format) = report {
        let report = compilation.report();
        let text = match format {
            ReportFormat::Table => report.to_table(),
            ReportFormat::Json => report.to_json(),
        };
        output::stdout(&text)?;
    }
    match output {
        Some(directory) => output::write_artifacts(directory, &artifacts).map_err(Failure::from),
        None if artifacts.is_empty() => Ok(()),
        None => match artifacts.as_slice() {
            [only] => output::stdout(&only.contents).map_err(Failure::from),
            _ => Err(Failure::Usage(format!(
                "these outputs are {} files ({}); pass -o DIR to write them",
                artifacts.len(),
                artifacts
                    .iter()
                    .map(|artifact| artifact.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        },
    }
}
