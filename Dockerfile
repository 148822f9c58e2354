# Cognate in a slim Debian image, from the packaged binary: run Scripts/package.sh first (it writes
# dist/cognate-VERSION-linux-ARCH.tar.gz), then `docker build -t cognate .`. The steps are
# Scripts/install-in-image.sh, which Scripts/test-package.sh runs in a debootstrap root in CI.
FROM debian:bookworm-slim
COPY dist/cognate-*-linux-*.tar.gz /tmp/cognate.tar.gz
COPY Scripts/install-in-image.sh /tmp/install-in-image.sh
RUN sh /tmp/install-in-image.sh /tmp/cognate.tar.gz && rm /tmp/cognate.tar.gz /tmp/install-in-image.sh
USER cognate
WORKDIR /data
VOLUME /data
EXPOSE 9229
# Listen on every interface; tokens name the address clients use, which --public-url (here the environment)
# must give: change it where clients reach the container by another name.
ENV COGNATE_HOST=0.0.0.0 \
    COGNATE_DB=/data/cognate.sqlite \
    COGNATE_PUBLIC_URL=http://localhost:9229
HEALTHCHECK --interval=10s --timeout=5s --retries=3 CMD ["cognate", "--check-health"]
ENTRYPOINT ["cognate"]
