package dev.hilnas.app.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line a command's failure prints after {@code error: }. The JDK's file exceptions carry
 * only the path as their message ({@code error: /data/x.jsonl} says nothing of what went wrong), so
 * they are said in words here.
 */
final class ErrorMessage {
  private ErrorMessage() {}

  static final String NO_SUCH_FILE = "no such file or directory";
  static final String PERMISSION_DENIED = "permission denied";

  static String of(Throwable e) {
    if (e instanceof UncheckedIOException unchecked && unchecked.getCause() != null) {
      String cause = of(unchecked.getCause());
      String own = unchecked.getMessage();
      // the wrapper's message is often the cause's toString(); say it once
      return own == null || own.contains(cause) || own.endsWith(unchecked.getCause().toString())
          ? cause
          : own + ": " + cause;
    }
    if (e instanceof FileSystemException files && files.getFile() != null) {
      return files.getFile() + ": " + withoutFile(files);
    }
    return withoutFile(e);
  }

  /** As {@link #of}, without the file's name, for a message that names it already. */
  static String withoutFile(Throwable e) {
    if (e instanceof NoSuchFileException) {
      return NO_SUCH_FILE;
    }
    if (e instanceof AccessDeniedException) {
      return PERMISSION_DENIED;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException files) {
      return files.getReason() != null ? files.getReason() : "cannot be used";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
