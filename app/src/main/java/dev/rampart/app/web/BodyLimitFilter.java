package dev.rampart.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over the limit with 413: by their declared length before reading, and by counting while
 * reading for bodies sent without one. Push imports have their own, larger limit (they are streamed).
 */
public final class BodyLimitFilter extends OncePerRequestFilter {
    private final long limit;
    private final long importLimit;

    public BodyLimitFilter(long limit, long importLimit) {
        this.limit = limit;
        this.importLimit = importLimit;
    }

    /** Thrown while reading a body that grows past the limit. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("the request body is larger than the limit of " + limit + " bytes");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = request.getRequestURI().endsWith("/imports") ? importLimit : limit;
        long declared = request.getContentLengthLong();
        if (declared > max) {
            Problems.write(
                    response,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "body-too-large",
                    "Body too large",
                    "the request body has " + declared + " bytes; the limit is " + max);
            return;
        }
        try {
            chain.doFilter(new Limited(request, max), response);
        } catch (ServletException | IOException e) {
            if (causedByLimit(e) && !response.isCommitted()) {
                response.reset();
                Problems.write(
                        response,
                        HttpStatus.CONTENT_TOO_LARGE,
                        "body-too-large",
                        "Body too large",
                        "the request body is larger than the limit of " + max + " bytes");
                return;
            }
            throw e;
        }
    }

    static boolean causedByLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLargeException) {
                return true;
            }
        }
        return false;
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    private void count(long n) throws TooLargeException {
                        if (n > 0) {
                            read += n;
                            if (read > max) {
                                throw new TooLargeException(max);
                            }
                        }
                    }

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        count(b < 0 ? 0 : 1);
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = in.read(b, off, len);
                        count(n);
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
